"""What the demo inventory is made of: per-department templates of systems, data resources and service items.

Templates are keyed like core.demo.departments (``RSJ``, ``GAJ`` …), by the ending of a subordinate unit's name
(``人民医院``) and by township office key (``BMZ``). Names are short; the generator adds the government's name
(``北源县`` + ``不动产登记系统``), so the same system built in several counties shows up as a duplicate candidate.

Data items are written compactly: ``"姓名 公民身份号码 出生日期:d 缴费基数:n"``, the type after a colon (``s`` text, the
default; ``i`` integer, ``n`` decimal, ``d`` date, ``t`` date and time, ``b`` yes/no, ``x`` binary).
"""

from dataclasses import dataclass, field

from inventory import choices as c

ITEM_TYPES = {
    "s": c.DataType.STRING,
    "i": c.DataType.INTEGER,
    "n": c.DataType.DECIMAL,
    "d": c.DataType.DATE,
    "t": c.DataType.DATETIME,
    "b": c.DataType.BOOLEAN,
    "x": c.DataType.BINARY,
}
DATA_CLASSES = {"g": c.DataClass.GENERAL, "i": c.DataClass.IMPORTANT, "c": c.DataClass.CORE}


def parse_items(spec: str) -> list[tuple[str, str]]:
    """``"姓名 出生日期:d"`` → ``[("姓名", "string"), ("出生日期", "date")]``."""
    items = []
    for token in spec.split():
        name, _, kind = token.partition(":")
        items.append((name, ITEM_TYPES[kind or "s"]))
    return items


@dataclass(frozen=True)
class Sys:
    """A system a department typically runs."""

    name: str
    scope: str = "i"  # i internal staff, p the public, b both
    mlps: int | None = 2  # the level it is usually graded at (GB/T 22240-2020)
    data: str = "g"  # g general, i important, c core data
    net: str = ""  # fixed network: e 政务外网, n 互联网, p 专网, i 内网; empty = by audience
    hub: str = ""  # exchange, identity, license, portal, hotline, grid: a government's shared platforms
    home: str = ""  # a subordinate unit (name ending) or township office (key) that runs it, when there is one
    levels: str = "pcxt"  # p province, c city, x county, t township: where it is built
    topic: str = ""
    zombie: bool = False  # planted: a system whose use has faded (国办发〔2017〕39号)
    own: bool = False  # named after the unit (北源县人民医院HIS系统), not the government
    cost: float = 1.0  # relative build cost
    purpose: str = ""


@dataclass(frozen=True)
class Res:
    """A data resource (信息资源) a department typically catalogues."""

    name: str
    items: str
    basic: int = 0  # 1 人口, 2 法人, 3 自然资源和空间地理, 4 社会信用, 5 电子证照 (basic catalog item); 0 otherwise
    theme: str = ""  # a theme of the thematic catalog; empty = departmental
    share: str = ""  # u unconditional, c conditional, n not shared; empty = by the department's subject
    cycle: str = ""
    open: str = ""  # o open, c conditional, n not open
    fmt: str = ""
    data: str = "g"
    system: str = ""  # the name of the system that holds it
    basis: str = ""  # the sharing conditions, or the legal basis for not sharing


@dataclass(frozen=True)
class Svc:
    """A public service item (政务服务事项)."""

    name: str
    kind: str = "服务"  # 许可 确认 给付 征收 裁决 奖励 其他 服务
    system: str = ""  # the delivering system, by template name
    channel: str = ""  # empty = by kind


@dataclass(frozen=True)
class Catalog:
    """Everything the demo knows about one kind of department, subordinate unit or township office."""

    systems: tuple[Sys, ...] = ()
    topics: tuple[str, ...] = ()  # business lines: fill names like 养老保险统计报表系统, 养老保险变更信息
    subject: str = "thing"  # person, org or thing: whom its records are about
    items: str = ""  # data items typical of its records
    resources: tuple[Res, ...] = ()
    services: tuple[Svc, ...] = ()
    weight: float = 1.0  # how many systems, relative to an average department
    theme: str = ""  # the thematic catalog its data often falls under
    net: str = ""  # network of its internal systems (p: 公安/税务 专网)
    closed: bool = False  # police, tax, party offices: shares less, opens nothing
    abbr: str = ""  # host name part (rsj.beiyuan.example.gov.cn); default the lower-case key
    number: int = field(default=0, compare=False)  # item (项) of its departmental resources; set by register()


S, R, V = Sys, Res, Svc

DEPARTMENTS: dict[str, Catalog] = {}
SUBUNITS: dict[str, Catalog] = {}  # by name ending
OFFICES: dict[str, Catalog] = {}  # township offices by key


def register(table: dict[str, Catalog], entries: dict[str, Catalog]) -> None:
    """Add catalog entries, numbering them for the departmental catalog's 项 (2 digits, in registration order)."""
    for key, entry in entries.items():
        number = len(DEPARTMENTS) + len(SUBUNITS) + len(OFFICES) + 1
        if number > 99:
            raise ValueError("the departmental catalog's item code has two digits")
        object.__setattr__(entry, "number", number)
        table[key] = entry


def _load() -> None:
    from . import economy, governance, local, society, space

    for module in (governance, economy, society, space):
        register(DEPARTMENTS, module.DEPARTMENTS)
    register(SUBUNITS, local.SUBUNITS)
    register(OFFICES, local.OFFICES)
    register(DEPARTMENTS, {"": local.FALLBACK})


_load()
FALLBACK = DEPARTMENTS[""]


def subunit_catalog(suffix: str) -> Catalog | None:
    for ending, catalog in SUBUNITS.items():
        if suffix.endswith(ending):
            return catalog
    return None
