"""Reading a SQLite file as an attacker with the disk does: every b-tree page's cells with their
byte offsets, the pages in a -wal's frames, the page numbers in a -shm. For tests only."""

import struct


def varint(buf, i):
    value = 0
    for k in range(8):
        byte = buf[i + k]
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, i + k + 1
    return (value << 8) | buf[i + 8], i + 9


def record(buf, i, end):
    """The values of the record starting at `i` (what fits in the page; no overflow)."""
    header_len, j = varint(buf, i)
    types, values, body = [], [], i + header_len
    while j < i + header_len:
        kind, j = varint(buf, j)
        types.append(kind)
    for kind in types:
        if kind == 0:
            values.append(None)
        elif 1 <= kind <= 6:
            size = (1, 2, 3, 4, 6, 8)[kind - 1]
            values.append(int.from_bytes(buf[body:body + size], "big", signed=True))
            body += size
        elif kind == 7:
            values.append(struct.unpack(">d", buf[body:body + 8])[0])
            body += 8
        elif kind in (8, 9):
            values.append(kind - 8)
        else:
            size = (kind - 12) // 2 if kind % 2 == 0 else (kind - 13) // 2
            data = bytes(buf[body:min(body + size, end)])
            values.append(data if kind % 2 == 0 else data.decode("utf-8", "replace"))
            body += size
    return values


LEAF_TABLE, INTERIOR_TABLE, LEAF_INDEX, INTERIOR_INDEX = 13, 5, 10, 2


def cells(page, head):
    """[(pointer position, byte offset, values)] of one b-tree page, or None if not one."""
    kind = page[head]
    if kind not in (LEAF_TABLE, INTERIOR_TABLE, LEAF_INDEX, INTERIOR_INDEX):
        return None
    count = struct.unpack(">H", page[head + 3:head + 5])[0]
    start = head + (12 if kind in (INTERIOR_TABLE, INTERIOR_INDEX) else 8)
    found = []
    for position in range(count):
        offset = struct.unpack(">H", page[start + 2 * position:start + 2 * position + 2])[0]
        try:
            if kind == LEAF_TABLE:
                _size, i = varint(page, offset)
                rowid, i = varint(page, i)
                values = [rowid, *record(page, i, len(page))]
            elif kind == INTERIOR_TABLE:
                values = [varint(page, offset + 4)[0]]
            elif kind == LEAF_INDEX:
                _size, i = varint(page, offset)
                values = record(page, i, len(page))
            else:
                _size, i = varint(page, offset + 4)
                values = record(page, i, len(page))
        except (IndexError, ValueError):
            return None  # not a b-tree page after all (an overflow or free page)
        found.append((position, offset, values))
    return found


def page_size(data):
    size = struct.unpack(">H", data[16:18])[0]
    return 65536 if size == 1 else size


def btree_pages(data):
    """{page number: cells} for every b-tree page of a database file."""
    if len(data) < 100:
        return {}
    size, pages = page_size(data), {}
    for number in range(1, len(data) // size + 1):
        page = data[(number - 1) * size:number * size]
        found = cells(page, 100 if number == 1 else 0)
        if found:
            pages[number] = found
    return pages


def wal_frames(data):
    """[(page number, page image)] of a -wal, in the order they were written."""
    if len(data) < 32:
        return []
    size = struct.unpack(">I", data[8:12])[0]
    frames, i = [], 32
    while i + 24 + size <= len(data):
        number = struct.unpack(">I", data[i:i + 4])[0]
        frames.append((number, data[i + 24:i + 24 + size]))
        i += 24 + size
    return frames


def shm_page_numbers(data):
    """The page number of each frame the -shm's first hash block remembers (0: none)."""
    if len(data) < 136 + 4 * 4062:
        return []
    return list(struct.unpack(f"<{4062}I", data[136:136 + 4 * 4062]))
