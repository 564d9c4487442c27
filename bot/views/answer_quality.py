"""``/admin``: the answer-quality section (``bot.answer_quality``) as Turkish HTML."""

from __future__ import annotations

from bot import texts
from bot.answer_quality import QualityReport, RatedGroup
from bot.rendering import escape
from core.turkish import format_day


def quality_section(report: QualityReport) -> str:
    """Good answers and handoffs per day, then the worst-rated tools and topics."""
    lines = [texts.ADMIN_RATINGS_TITLE.format(days=report.days)]
    for figures in report.per_day:
        day = escape(format_day(figures.day))
        if figures.rated:
            line = texts.ADMIN_RATINGS_DAY.format(
                day=day,
                good=figures.good,
                total=figures.rated,
                share=_percent(figures.good, figures.rated),
            )
        else:
            line = texts.ADMIN_RATINGS_DAY_UNRATED.format(day=day)
        if figures.handoffs is not None:
            line += texts.ADMIN_HANDOFFS_OF_DAY.format(handoffs=figures.handoffs)
        lines.append(line)
    if not report.rated:
        lines.append(texts.ADMIN_RATINGS_NONE)
        return "\n".join(lines)
    for title, groups in (
        (texts.ADMIN_WORST_TOOLS, report.worst_tools),
        (texts.ADMIN_WORST_TOPICS, report.worst_topics),
    ):
        if groups:
            lines.extend(["", title, *(_group_line(group) for group in groups)])
    return "\n".join(lines)


def _group_line(group: RatedGroup) -> str:
    return texts.ADMIN_WORST_LINE.format(
        name=escape(group.name) if group.name else texts.ADMIN_NO_TOOL_TOPIC,
        bad=group.bad,
        total=group.rated,
        share=_percent(group.good, group.rated),
    )


def _percent(part: int, whole: int) -> str:
    """``%67`` (Turkish writes the sign first)."""
    return f"%{round(100 * part / whole)}"
