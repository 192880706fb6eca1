"""The whole input of one mine: foundation facts plus optional document sections.

Sections that each document adds (``plan``, ``self_check``, ``assessment``,
``self_evaluation``) are optional
sub-models in their own modules, so documents plug in without reshaping the foundation.
"""

from .assessment import Assessment
from .base import StrictModel, field
from .bounds import Whole
from .foundation import Campaign, Eligibility, Enterprise, Mine, Reserves
from .plan import ImplementationPlan
from .self_check import SelfCheck
from .self_evaluation import SelfEvaluation

SCHEMA_VERSION = 1


class Submission(StrictModel):
    schema_version: Whole = field("格式版本", SCHEMA_VERSION, ge=1, le=SCHEMA_VERSION)
    campaign: Campaign = field("工作安排", sheet="工作安排")
    enterprise: Enterprise = field("企业信息", sheet="企业信息")
    mine: Mine = field("矿山信息", sheet="矿山信息")
    reserves: Reserves = field("资源储量", sheet="资源储量")
    eligibility: Eligibility = field("遴选条件", sheet="遴选条件")
    plan: ImplementationPlan | None = field("实施方案", None, sheet="实施方案")
    self_check: SelfCheck | None = field("自查", None, sheet="自查")
    assessment: Assessment | None = field("第三方评估", None, sheet="第三方评估")
    self_evaluation: SelfEvaluation | None = field("自评报告", None, sheet="自评报告")
