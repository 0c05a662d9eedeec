"""Collecting reports from government portals (`nianbao collect`).

`links` reads a page (report links, attachments, pagination), `guard` decides
which addresses may be reached, `ledger` keeps the manifest and what was seen
between runs, `spider` is the Scrapy spider, `worker` the child process it runs
in and `run` the parent side that starts it and sums up its events.
Scrapy is an optional dependency: `pip install 'nianbao[collect]'`.
"""
