"""Lambda triggers: invoking a pool's Lambda functions and what they need."""
