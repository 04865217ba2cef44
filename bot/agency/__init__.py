"""The agency's own facts (who and where it is, price ranges, results) as a plug-in."""
