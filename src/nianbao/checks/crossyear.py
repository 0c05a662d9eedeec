"""Rules across reports (FORMAT.md §6 rules 12–14), declared here so that the registry is
complete as soon as `nianbao.checks` is imported. A single report cannot show them: the store
runs them after ingest (`nianbao.corpus.history`, `nianbao.store.analyse`)."""

from __future__ import annotations

from nianbao.checks.registry import declare

CARRY_OVER = "history.carry_over"
IN_FORCE = "history.in_force"
COPIED = "history.copied_text"

declare(CARRY_OVER, "HEUR", "跨年度：本年「上年结转」应等于上一年度「结转下年度继续办理」（按申请人各栏）")
declare(IN_FORCE, "HEUR", "跨年度：现行有效件数 = 上年现行有效 + 本年制发 − 本年废止")
declare(COPIED, "MUST", "内容雷同：正文与本机关往年报告或其他机关报告雷同")
