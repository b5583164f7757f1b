"""The programme: venues, activities, weekly times, one-off events, cancelled or
moved occurrences."""
