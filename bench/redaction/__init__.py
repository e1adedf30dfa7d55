"""Redaction benchmark: a seeded synthetic support-chat corpus with exact gold spans
(``corpus``), a pure scorer (``score``) and the command line that times an engine on it (``run``).

    .venv/bin/python -m bench.redaction.run --n 3000 --seed 7 --family dev \
        --json bench/results/redaction-dev.json
"""
