"""Visits: the door and its check-in, the kiosk, the tally, remembered phones, the yearly close."""
