"""Feedback: smiley ratings and their texts, surveys, the idea box, and how long texts are kept."""
