"""Transport-free services for the agency's staff.

Handover rules, the outbox, stats, reports, reload, the flow graph and conversation tests: the
Telegram commands and a web page both call these.
"""
