"""Teaching: the case library, the quiz and its reveal, the reasoning drawn as a path, the
what-if explorer's controls. Nothing here decides: the answers come from the core."""
