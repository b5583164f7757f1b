"""A posting flood from fresh sessions cannot close feedback for the visitors already here."""

from checkin.web.posting_budget import PostingBudget, may_post
from tests.helpers import hidden_fields, text


def rows(db):
    return [dict(r) for r in db.execute("SELECT * FROM feedback")]


def rate(client, venue, rating):
    """A face from the feedback page's own form (CSRF and one-time token), as a phone sends it."""
    page = client.get(f"/{venue['slug']}/feedback")
    return client.post(f"/{venue['slug']}/feedback",
                       data={**hidden_fields(text(page)), "rating": rating})


class Clock:
    now = 1000.0

    def __call__(self):
        return self.now


def test_a_flood_from_fresh_sessions_refuses_no_visitor_who_posted_before(app, db, mallis):
    regulars = [app.test_client() for _ in range(5)]
    for visitor in regulars:
        assert rate(visitor, mallis, "4").status_code == 302
    # Before: 152 posts from fresh sessions in 8 s, and every real visitor then got 429.
    flood = [rate(app.test_client(), mallis, "1").status_code for _ in range(152)]
    # 120 new sessions a minute, the five regulars among them when they first posted.
    assert (flood.count(302), flood.count(429)) == (115, 37)
    refused = sum(rate(visitor, mallis, "5").status_code == 429 for visitor in regulars)
    assert refused == 0


def test_the_venue_bound_is_far_above_real_use(app, db, mallis):
    statuses = [rate(app.test_client(), mallis, "4").status_code for _ in range(60)]
    assert statuses == [302] * 60  # sixty new visitors in one minute: all let in
    assert len(rows(db)) == 60


def test_one_session_cannot_spend_anyone_elses_budget():
    clock = Clock()
    budget = PostingBudget(per_session=10, new_sessions_per_venue=120, clock=clock)
    mine, yours = {}, {}
    assert may_post(budget, mine, 1)
    assert [may_post(budget, mine, 1) for _ in range(20)].count(True) == 9
    assert may_post(budget, yours, 1)  # a new visitor: not held up by my posts
    clock.now += 60
    assert may_post(budget, mine, 1)


def test_a_refused_new_session_gets_no_token_to_come_back_with():
    clock = Clock()
    budget = PostingBudget(per_session=10, new_sessions_per_venue=2, clock=clock)
    assert may_post(budget, {}, 1) and may_post(budget, {}, 1)
    refused = {}
    assert not may_post(budget, refused, 1)
    assert refused == {}  # still new: it cannot stock up tokens while the venue is busy
