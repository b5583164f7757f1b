"""The week's calendar feed, /<venue>/week.ics: one address for everyone, no cookie, no login."""

import datetime as dt

from flask import Response, current_app, request

from checkin.db import get_db
from checkin.i18n import LOCALES
from checkin.web.pages import venue_now, venue_or_404
from checkin.week import calendar_feed
from checkin.week.routes import blueprint

FEED_MAX_AGE = 900  # seconds a browser or proxy may keep the feed; calendars ask less often


@blueprint.get("/<slug>/week.ics")
def week_ics(slug):
    venue = venue_or_404(slug)
    # The language comes from the address only, never a cookie: one URL, one feed.
    lang = request.args.get("lang", current_app.config["DEFAULT_LOCALE"])
    if lang not in LOCALES:
        return Response("Okänt språk: skriv ?lang=sv eller ?lang=en.\n"
                        "Unknown language: use ?lang=sv or ?lang=en.\n",
                        400, mimetype="text/plain")
    now = venue_now(venue)
    # DTSTAMP is the start of the day: the feed stays byte for byte the same until the
    # programme changes or the day does, so a calendar asking again mostly gets a short 304.
    stamp = dt.datetime.combine(now.date(), dt.time(), tzinfo=now.tzinfo).astimezone(dt.UTC)
    body = calendar_feed.week_feed(
        get_db(), venue, today=now.date(), lang=lang,
        base_url=current_app.config["BASE_URL"].rstrip("/"), stamp=stamp)
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'inline; filename="{venue["slug"]}-{lang}.ics"'
    response.cache_control.public = True
    response.cache_control.max_age = FEED_MAX_AGE
    response.add_etag()
    return response.make_conditional(request)
