"""The floor for bench/checkin_bench.py: a bare Flask app whose one GET answers "ok", served
by waitress with one thread as `checkin serve` is. /healthz now also reads the database file's
first bytes and counts the migrations, so it is no longer the bare floor it was.

    .venv/bin/python -m waitress --threads=1 --port=8099 bench.bare_app:app
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def bare():
    return "ok\n", 200, {"Content-Type": "text/plain"}
