"""Figures: periods, counts, small cells, the dashboard, exports, imports and the yearly report."""
