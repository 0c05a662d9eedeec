"""The web application: `nianbao serve` (FastAPI, Jinja2 pages in Chinese, JSON API under /api)."""
