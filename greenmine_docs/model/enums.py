"""Enumerated values. Values are the Chinese terms users see in Excel dropdowns and documents."""

from enum import Enum


class MiningMethod(str, Enum):
    OPEN_PIT = "露天开采"
    UNDERGROUND = "地下开采"
    COMBINED = "露天-地下联合开采"


class MineStatus(str, Enum):
    PRODUCING = "生产矿山"
    UNDER_CONSTRUCTION = "在建矿山"
    NEW = "新建矿山"
    REBUILT = "改建矿山"
    EXPANDED = "扩建矿山"

    @property
    def is_new_build(self) -> bool:
        return self in (MineStatus.NEW, MineStatus.REBUILT, MineStatus.EXPANDED)


class DirectoryLevel(str, Enum):
    NATIONAL = "国家级"
    PROVINCIAL = "省级"
    MUNICIPAL = "市级"
    NONE = "未入选"


class ScaleClass(str, Enum):
    LARGE = "大型"
    MEDIUM = "中型"
    SMALL = "小型"


class Department(str, Enum):
    NATURAL_RESOURCES = "自然资源"
    ECOLOGY_ENVIRONMENT = "生态环境"
    EMERGENCY_MANAGEMENT = "应急管理"
    OTHER = "其他"

    @property
    def counts_for_selection(self) -> bool:
        """Selection condition 2 names natural resources, ecology-environment and emergency."""
        return self is not Department.OTHER


class IndustryStandard(str, Enum):
    """The nine 2018 industry standards (domain.md §2) by code. Their exact titles are data
    (``templates/citations.yaml``, :mod:`greenmine_docs.citations`), never composed here."""

    NONMETAL = "DZ/T 0312-2018"
    CHEMICAL = "DZ/T 0313-2018"
    GOLD = "DZ/T 0314-2018"
    COAL = "DZ/T 0315-2018"
    SAND_GRAVEL = "DZ/T 0316-2018"
    OIL_GAS = "DZ/T 0317-2018"
    CEMENT_LIMESTONE = "DZ/T 0318-2018"
    METALLURGICAL = "DZ/T 0319-2018"
    NONFERROUS = "DZ/T 0320-2018"
