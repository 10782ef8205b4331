"""The catalogue of government departments, subordinate units and township offices used by the demo generator.

A department's ``key`` is both the tail of its code (``330921-CZJ``) and what links it to the same department one
level up (条, DOMAIN.md §2): the county 发展和改革局 and the city 发展和改革委员会 share the key ``FGW``. Names are
templates; ``{gov}`` is the full name of the government the department belongs to.
"""

from dataclasses import dataclass

LEVELS = ("province", "city", "county")


@dataclass(frozen=True)
class Sub:
    """A subordinate unit (直属单位), a public institution."""

    name: str
    size: float = 1.0
    core: bool = False


@dataclass(frozen=True)
class Dept:
    key: str
    province: str | None
    city: str | None
    county: str | None
    size: float = 1.0
    core: bool = True
    institution: bool = False  # a public institution (事业单位) rather than a government organ (机关)
    subunits: tuple[Sub, ...] = ()

    def name(self, level: str) -> str | None:
        return getattr(self, level)


D = Dept
DEPARTMENTS: tuple[Dept, ...] = (
    D("SWB", "{gov}委办公厅", "{gov}委办公室", "{gov}委办公室", 0.8),
    D("ZFB", "{gov}人民政府办公厅", "{gov}人民政府办公室", "{gov}人民政府办公室", 0.9),
    D("ZZB", "{gov}委组织部", "{gov}委组织部", "{gov}委组织部", 0.7, core=False),
    D("XCB", "{gov}委宣传部", "{gov}委宣传部", "{gov}委宣传部", 0.6, core=False),
    D("FGW", "{gov}发展和改革委员会", "{gov}发展和改革委员会", "{gov}发展和改革局", 1.0),
    D(
        "JYJ",
        "{gov}教育厅",
        "{gov}教育局",
        "{gov}教育局",
        1.4,
        subunits=(Sub("{gov}第一中学", 3.0), Sub("{gov}教师发展中心", 0.6), Sub("{gov}教育考试院", 0.6)),
    ),
    D("KJJ", "{gov}科学技术厅", "{gov}科学技术局", "{gov}科学技术局", 0.6, core=False),
    D("GXJ", "{gov}工业和信息化厅", "{gov}工业和信息化局", "{gov}经济和信息化局", 0.9),
    D("GAJ", "{gov}公安厅", "{gov}公安局", "{gov}公安局", 4.0),
    D("MZJ", "{gov}民政厅", "{gov}民政局", "{gov}民政局", 0.8, subunits=(Sub("{gov}社会福利院", 1.0),)),
    D("SFJ", "{gov}司法厅", "{gov}司法局", "{gov}司法局", 1.0),
    D("CZJ", "{gov}财政厅", "{gov}财政局", "{gov}财政局", 1.1, subunits=(Sub("{gov}财政国库支付中心", 0.6),)),
    D(
        "RSJ",
        "{gov}人力资源和社会保障厅",
        "{gov}人力资源和社会保障局",
        "{gov}人力资源和社会保障局",
        1.1,
        subunits=(Sub("{gov}社会保险事业管理中心", 1.2, core=True), Sub("{gov}公共就业服务中心", 0.8)),
    ),
    D(
        "ZRJ",
        "{gov}自然资源厅",
        "{gov}自然资源和规划局",
        "{gov}自然资源和规划局",
        1.3,
        subunits=(Sub("{gov}不动产登记中心", 1.0),),
    ),
    D(
        "HBJ",
        "{gov}生态环境厅",
        "{gov}生态环境局",
        "{gov}生态环境分局",
        0.9,
        subunits=(Sub("{gov}生态环境监测站", 0.6),),
    ),
    D(
        "ZJJ",
        "{gov}住房和城乡建设厅",
        "{gov}住房和城乡建设局",
        "{gov}住房和城乡建设局",
        1.0,
        subunits=(Sub("{gov}住房保障服务中心", 0.6),),
    ),
    D(
        "JTJ",
        "{gov}交通运输厅",
        "{gov}交通运输局",
        "{gov}交通运输局",
        1.2,
        subunits=(Sub("{gov}公路事业发展中心", 1.2),),
    ),
    D("SLJ", "{gov}水利厅", "{gov}水利局", "{gov}水利局", 0.8, subunits=(Sub("{gov}水利工程管理中心", 0.8),)),
    D(
        "NYJ",
        "{gov}农业农村厅",
        "{gov}农业农村局",
        "{gov}农业农村局",
        1.2,
        subunits=(Sub("{gov}农业技术推广中心", 1.0),),
    ),
    D("SWJ", "{gov}商务厅", "{gov}商务局", "{gov}商务局", 0.6),
    D(
        "WLJ",
        "{gov}文化和旅游厅",
        "{gov}文化广电旅游体育局",
        "{gov}文化广电旅游体育局",
        0.9,
        subunits=(Sub("{gov}图书馆", 0.6), Sub("{gov}文化馆", 0.5)),
    ),
    D(
        "WJW",
        "{gov}卫生健康委员会",
        "{gov}卫生健康委员会",
        "{gov}卫生健康委员会",
        1.0,
        subunits=(
            Sub("{gov}人民医院", 9.0, core=True),
            Sub("{gov}中医院", 4.0),
            Sub("{gov}疾病预防控制中心", 1.0),
            Sub("{gov}妇幼保健院", 2.0),
        ),
    ),
    D("TYJ", "{gov}退役军人事务厅", "{gov}退役军人事务局", "{gov}退役军人事务局", 0.5),
    D(
        "YJJ",
        "{gov}应急管理厅",
        "{gov}应急管理局",
        "{gov}应急管理局",
        0.8,
        subunits=(Sub("{gov}应急救援指挥中心", 0.6),),
    ),
    D("SJJ", "{gov}审计厅", "{gov}审计局", "{gov}审计局", 0.7),
    D(
        "SCJ",
        "{gov}市场监督管理局",
        "{gov}市场监督管理局",
        "{gov}市场监督管理局",
        1.5,
        subunits=(Sub("{gov}检验检测中心", 0.8),),
    ),
    D("TJJ", "{gov}统计局", "{gov}统计局", "{gov}统计局", 0.5),
    D(
        "YBJ",
        "{gov}医疗保障局",
        "{gov}医疗保障局",
        "{gov}医疗保障局",
        0.6,
        subunits=(Sub("{gov}医疗保障服务中心", 0.7),),
    ),
    D(
        "DSJ",
        "{gov}政务服务和大数据管理局",
        "{gov}政务服务和大数据管理局",
        "{gov}政务服务和大数据管理局",
        0.8,
        subunits=(Sub("{gov}大数据中心", 0.8, core=True), Sub("{gov}政务服务中心", 1.0)),
    ),
    D("XFJ", "{gov}信访局", "{gov}信访局", "{gov}信访局", 0.4),
    D("DAG", "{gov}档案馆", "{gov}档案馆", "{gov}档案馆", 0.4, institution=True),
    D("SWU", "国家税务总局{gov}税务局", "国家税务总局{gov}税务局", "国家税务总局{gov}税务局", 1.6),
    D("LYJ", "{gov}林业局", "{gov}林业局", "{gov}林业局", 0.6, core=False),
    D("GZW", "{gov}人民政府国有资产监督管理委员会", "{gov}人民政府国有资产监督管理委员会", None, 0.5, core=False),
    D("JGJ", "{gov}机关事务管理局", "{gov}机关事务管理局", "{gov}机关事务服务中心", 0.5, core=False),
    D("ZFJ", None, "{gov}综合行政执法局", "{gov}综合行政执法局", 1.2, core=False),
    D("MZZ", "{gov}民族宗教事务委员会", "{gov}民族宗教事务局", "{gov}民族宗教事务局", 0.4, core=False),
    D("RFB", "{gov}人民防空办公室", "{gov}人民防空办公室", "{gov}人民防空办公室", 0.4, core=False),
    D("JRJ", "{gov}地方金融管理局", "{gov}地方金融管理局", None, 0.5, core=False),
    D("LSJ", "{gov}粮食和物资储备局", "{gov}粮食和物资储备局", "{gov}粮食和物资储备中心", 0.5, core=False),
    D("GXS", "{gov}供销合作社联合社", "{gov}供销合作社联合社", "{gov}供销合作社联合社", 0.4, core=False),
)

# How likely an optional department (core=False) or an optional subordinate unit exists, by level.
OPTIONAL_DEPT = {"province": 0.8, "city": 0.6, "county": 0.35}
OPTIONAL_SUB = {"province": 0.5, "city": 0.3, "county": 0.12}
# Relative staff size of a department at each level; township offices and subordinate units have their own sizes.
LEVEL_SIZE = {"province": 2.2, "city": 1.5, "county": 1.0}


@dataclass(frozen=True)
class Office:
    """A township or street office (乡镇/街道的内设机构)."""

    key: str
    name: str
    size: float
    core: bool = False
    institution: bool = False


TOWNSHIP_OFFICES: tuple[Office, ...] = (
    Office("DZB", "党政综合办公室", 0.45, core=True),
    Office("JFB", "经济发展办公室", 0.35),
    Office("SSB", "社会事务办公室", 0.35),
    Office("ZFD", "综合行政执法队", 0.45),
    Office("BMZ", "便民服务中心", 0.35, institution=True),
    Office("PAB", "平安建设办公室", 0.3),
)
OPTIONAL_OFFICE = 0.1


def head_title(name: str) -> str:
    """The title of the head of a unit, from the ending of its name (局长, 主任, 院长 …)."""
    for ending, title in (
        ("医院", "院长"),
        ("保健院", "院长"),
        ("福利院", "院长"),
        ("考试院", "院长"),
        ("中学", "校长"),
        ("委员会", "主任"),
        ("办公室", "主任"),
        ("办公厅", "主任"),
        ("中心", "主任"),
        ("联合社", "主任"),
        ("监测站", "站长"),
        ("馆", "馆长"),
        ("厅", "厅长"),
        ("局", "局长"),
        ("部", "部长"),
        ("队", "队长"),
    ):
        if name.endswith(ending):
            return title
    return "负责人"


def line_titles(name: str, level: str) -> tuple[str, str, str]:
    """(middle manager, deputy middle manager, rank-and-file) titles for a unit."""
    if name.endswith(("医院", "保健院")):
        return "科主任", "护士长", "医师"
    if name.endswith("中学"):
        return "年级主任", "教研组长", "教师"
    if level == "province":
        return "处长", "副处长", "科员"
    return "科长", "副科长", "科员"
