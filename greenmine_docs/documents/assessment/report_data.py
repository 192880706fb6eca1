"""What the report is written from: the submission, the scoring result, the prepared photos and
the comparison with the enterprise's self-check. Built once, after the checks passed."""
from __future__ import annotations

from dataclasses import field
from typing import TYPE_CHECKING

from ...errors import InputError
from ...frozen import frozen, record
from ...scoring import Status, fmt_points

if TYPE_CHECKING:
    from ...indicators.model import IndicatorSet
    from ...model import Submission
    from ...model.assessment import Assessment
    from ...pipeline import Run, Scores
    from ...scoring import ItemResult, ScoreResult
    from .independence import Independence

DEFAULT_THRESHOLD_RATIO = 0.2  # without comparison_threshold: 20 % of the item's points


@frozen(quick_init=False)
class PreparedPhoto:
    number: int
    caption: str
    data: bytes
    ratio: float  # height / width


@frozen(quick_init=False)
class Difference:
    """One item where the self-check and the assessment disagree beyond the threshold."""

    id: str
    text: str
    points: float
    own: str
    assessed: str
    diff: str


@record
class ReportData:
    submission: "Submission"
    assessment: "Assessment"
    indicator_set: "IndicatorSet"
    scores: "Scores"
    result: "ScoreResult"
    self_result: "ScoreResult | None" = None
    photos: list[PreparedPhoto] = field(default_factory=list)
    remaining_years: float | None = None
    basis: list[str] = field(default_factory=list)  # 评估依据, each a citation from data
    standard: str = ""  # the mine's industry standard as cited ("" when none)
    independence: "Independence | None" = None  # what the input supports (see .independence)

    def threshold_for(self, points: float) -> float:
        t = self.assessment.comparison_threshold
        return t if t is not None else points * DEFAULT_THRESHOLD_RATIO

    def differences(self) -> list[Difference]:
        """Items scored by both whose scores differ by more than the threshold, and items one
        side rules not applicable while the other scores them."""
        own = self.self_result
        if own is None:
            return []
        out = []
        for ref, mine in self.result.items.items():
            theirs = own.items.get(ref)
            if theirs is None or mine.na_by_set:
                continue
            if mine.status is Status.SCORED and theirs.status is Status.SCORED:
                delta = mine.score - theirs.score
                if abs(delta) > self.threshold_for(mine.item.points) + 1e-9:
                    sign = "+" if delta > 0 else ""
                    out.append(Difference(ref, mine.item.text, mine.item.points,
                                          fmt_points(theirs.score), fmt_points(mine.score),
                                          sign + fmt_points(delta)))
            elif (mine.status is Status.NOT_APPLICABLE) != (theirs.status is Status.NOT_APPLICABLE):
                out.append(Difference(ref, mine.item.text, mine.item.points, _label(theirs),
                                      _label(mine), "适用性不同"))
        return out


def _label(r: "ItemResult") -> str:
    if r.status is Status.SCORED:
        return fmt_points(r.score)
    return r.status.value


def build_report_data(ctx: "Run") -> ReportData:
    """Gather everything; raises :class:`InputError` when the input cannot make a report
    (the checks explain why in detail)."""
    from ...checks.eligibility import remaining_years
    from ...safety.inputs import OUTSIDE, OUTSIDE_HINT, inside
    from .data import self_check_result
    from .photos import inspect, prepare

    a = ctx.submission.assessment
    if a is None:
        raise InputError("输入中没有第三方评估（assessment）部分，无法生成评估报告。",
                         hint="按 docs/readme-parts/assessment.md 的说明补充 assessment 部分。")
    scored = ctx.scores.assessment
    if scored is None:
        detail = "；".join(f.message for f in ctx.set_findings) or "评价指标体系无法使用"
        raise InputError(f"无法确定评分所用的评价指标体系：{detail}",
                         hint="检查 campaign.indicator_set。")
    photos = []
    for i, photo in enumerate(a.photos, start=1):
        path = inside(ctx.base_dir, photo.file)
        if path is None:
            raise InputError(f"照片{i}的路径 {photo.file} {OUTSIDE}。",
                             location=str(ctx.at("assessment", "photos", i - 1, "file")),
                             hint=OUTSIDE_HINT)
        info = inspect(path, ctx.cache_dir)
        if not info.ok:
            raise InputError(f"照片{i}（{photo.file}）无法使用：{info.problem}。",
                             location=str(ctx.at("assessment", "photos", i - 1, "file")),
                             hint="使用 JPEG 或 PNG 照片，路径相对于输入文件所在目录。")
        data, ratio = prepare(path, ctx.cache_dir)
        photos.append(PreparedPhoto(i, photo.caption, data, ratio))
    from .independence import independence

    iset = scored.result.indicator_set
    standard, basis = cited_basis(ctx, iset)
    return ReportData(ctx.submission, a, iset, scored.given, scored.result,
                      self_check_result(ctx), photos, remaining_years(ctx), basis, standard,
                      independence(ctx))


def standard_citation(ctx: Run) -> str:
    """The mine's industry standard as the citation list writes it ("" when none)."""
    from ...citations import citations_for

    code = ctx.submission.mine.industry_standard
    if code is None:
        return ""
    found = citations_for(ctx).standard(code.value)
    return found.cite() if found is not None else code.value


def cited_basis(ctx: Run, iset: IndicatorSet) -> tuple[str, list[str]]:
    """The mine's standard as cited, and the report's 评估依据: the campaign's notice, the
    indicator set (cited when official, named when a reference set), the industry and local
    standards, the contract. Everything cited comes from the citation data or the input."""
    from ...citations import citations_for, indicator_set_citation, notice

    a = ctx.submission.assessment
    assert a is not None
    cited_set = indicator_set_citation(ctx, iset)
    basis = [f"{notice(ctx)}；",
             f"{cited_set or iset.display_title}（以下简称“评价指标”）；"]
    standard = standard_citation(ctx)
    cites = citations_for(ctx)
    for text in [standard] + [c.cite() for code in ctx.submission.mine.local_standards
                              if (c := cites.standard(code)) is not None]:
        if text:
            basis.append(f"{text}；")
    basis.append(f"委托合同（{a.commission.contract_number}）及企业提交的自评报告和佐证材料。")
    return standard, basis
