## Must fail: killed by a signal.
R#crash
