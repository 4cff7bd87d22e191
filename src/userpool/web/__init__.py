"""Non-API HTTP pages: the developer outbox and the hosted confirmUser link page."""
