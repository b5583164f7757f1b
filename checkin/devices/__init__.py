"""Devices: the kiosk tablet and the wall screen. Each uses several features at once (a kiosk
counts a visit and takes a face; a screen shows the week, the door's QR code and the
meeting), so they sit above them; their pages join the visits' and the week's blueprints,
so their endpoints keep their names (visits.kiosk, week.screen)."""
