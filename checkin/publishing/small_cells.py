"""Small cells: which counts to hide as <N, and which more as .. so that none can be worked out.
No Flask."""


from checkin.publishing.columns import COUNT_COLUMNS, PROTECTED, ROW_GROUPS, SMALL
from checkin.publishing.periods import FiguresError, Period, periods  # noqa: F401


def suppress_small_cells(values, groups, min_cell):
    """Which cells to hide: {cell: '<N' or '..'}.

    `values` maps each count cell to its number; `groups` lists (members, total) whose
    members add up to (or, for persons down a column, make up) the total. Primary: 1..N-1
    is hidden as `<N`, zero stays. Secondary: while a group has exactly one hidden cell,
    hide its smallest other non-zero member as `..` (or, if there is none, the total).
    """
    hidden = {cell: f"{SMALL}{min_cell}" for cell, v in values.items() if 0 < v < min_cell}
    changed = True
    while changed:
        changed = False
        for members, total in groups:
            if sum(cell in hidden for cell in (*members, total)) != 1:
                continue
            shown = [c for c in members if c not in hidden and values[c] > 0]
            if shown:
                target = min(shown, key=lambda c: values[c])  # first of the smallest
            elif total not in hidden:
                target = total
            else:
                continue
            hidden[target] = PROTECTED
            changed = True
    return hidden


def hide_small_cells(blocks, min_cell):
    """Hide small cells over a venue's period rows and activity rows together, so the plain
    and the by-activity export of the same data give nothing away side by side."""
    values, groups = {}, []
    rows = [row for total, activity_rows in blocks for row in (total, *activity_rows)]
    index = {id(row): i for i, row in enumerate(rows)}
    for i, row in enumerate(rows):
        for c in COUNT_COLUMNS:
            if row[c] is not None:
                values[(i, c)] = row[c]
        for members, total in ROW_GROUPS:
            if row[total] is not None:
                groups.append(([(i, c) for c in members], (i, total)))
    for total, activity_rows in blocks:
        if not activity_rows:
            continue
        for c in COUNT_COLUMNS:
            if total[c] is not None:
                groups.append(([(index[id(r)], c) for r in activity_rows], (index[id(total)], c)))
    hidden = suppress_small_cells(values, groups, min_cell)
    for (i, c), mark in hidden.items():
        rows[i][c] = mark
