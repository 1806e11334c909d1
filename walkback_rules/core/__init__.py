"""The reviewed clinical core: codes, the contract, screens, derived values, rules, engine.

These are the files a clinician reviews against the specification. They import nothing
from the rest of the package (a test checks it), and nothing heavier than pydantic.
"""
