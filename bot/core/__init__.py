"""The conversation engine: messages, state, turns, commands, slot types, actions, ports."""
