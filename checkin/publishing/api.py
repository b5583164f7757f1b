"""What other parts use of publishing: the cell-key method, small cells, periods,
the columns, charts and files every published count goes through.

Cross-part imports come here, never into the modules behind it (docs/parts.toml,
tests/app/test_layout.py)."""

from checkin.publishing import exports
from checkin.publishing.cell_key import (
    KEY_SCALE,
    keyed,
    person_key,
    publish_count,
    stored_record_key,
)
from checkin.publishing.charts import bar_chart, share_bars
from checkin.publishing.columns import (
    COLUMNS,
    COUNT_COLUMNS,
    GENDER_COLUMNS,
    PERSON_COLUMNS,
    PERSON_GENDER_COLUMNS,
    PROTECTED,
    SMALL,
    SOURCE_COLUMNS,
    VISIT_COLUMNS,
    VISIT_GENDER_COLUMNS,
)
from checkin.publishing.exports import (
    EXTENSIONS,
    MEDIA_TYPES,
    about_lines,
    hidden_share,
    inert,
    internal_mark,
    published_mark,
    write,
)
from checkin.publishing.periods import (
    FIRST_DAY,
    GROUPS,
    LAST_DAY,
    MAX_YEARS,
    PUBLISHED_GROUPS,
    FiguresError,
    Period,
    check_range,
    last_whole,
    month_start,
    months_before,
    period_of,
    periods,
    periods_between,
    published_range,
    range_problem,
)
from checkin.publishing.small_cells import hide_small_cells, suppress_small_cells

__all__ = [
    "COLUMNS", "COUNT_COLUMNS", "EXTENSIONS", "FIRST_DAY", "FiguresError", "GENDER_COLUMNS",
    "GROUPS", "KEY_SCALE", "LAST_DAY", "MAX_YEARS", "MEDIA_TYPES", "PERSON_COLUMNS",
    "PERSON_GENDER_COLUMNS", "PROTECTED", "PUBLISHED_GROUPS", "Period", "SMALL", "SOURCE_COLUMNS",
    "VISIT_COLUMNS", "VISIT_GENDER_COLUMNS", "about_lines", "bar_chart", "check_range", "exports",
    "hidden_share", "hide_small_cells", "inert", "internal_mark", "keyed", "last_whole",
    "month_start", "months_before", "period_of", "periods", "periods_between", "person_key",
    "publish_count", "published_mark", "published_range", "range_problem", "share_bars",
    "stored_record_key", "suppress_small_cells", "write",
]
