"""Reading what prospects type: intents, language, numbers, money, platforms and time spans."""
