"""A clinic server: who may open what (roles and the server's mode) and the Host check in
front of every request."""
