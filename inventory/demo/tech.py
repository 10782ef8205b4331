"""Technology stacks, vendors and host names for the demo systems.

The domestic (信创) share grows with the go-live year, as substitution has in government since about 2019; older
systems are partly migrated. Vendors are fictional; any likeness to a real company is chance.
"""

import random

CURRENT = 9999  # still sold
# (product, domestic, first year, last year) per technology part: a system runs what was current when it went live.
STACKS = {
    "os": (
        ("中标麒麟 7", True, 2015, 2021),
        ("银河麒麟 V10", True, 2020, CURRENT),
        ("统信 UOS 20", True, 2020, CURRENT),
        ("欧拉 openEuler 22.03", True, 2022, CURRENT),
        ("CentOS 6", False, 2008, 2015),
        ("Windows Server 2008 R2", False, 2009, 2015),
        ("CentOS 7", False, 2014, 2023),
        ("Windows Server 2012 R2", False, 2013, 2019),
        ("Red Hat 7", False, 2014, 2022),
        ("Windows Server 2016", False, 2017, CURRENT),
    ),
    "database": (
        ("达梦 DM7", True, 2012, 2019),
        ("达梦 DM8", True, 2019, CURRENT),
        ("人大金仓 KingbaseES V8", True, 2016, CURRENT),
        ("GaussDB", True, 2020, CURRENT),
        ("OceanBase", True, 2021, CURRENT),
        ("Oracle 11g", False, 2008, 2018),
        ("SQL Server 2008", False, 2008, 2014),
        ("MySQL 5.6", False, 2013, 2018),
        ("SQL Server 2012", False, 2012, 2019),
        ("Oracle 19c", False, 2019, CURRENT),
        ("MySQL 5.7", False, 2016, CURRENT),
        ("MySQL 8.0", False, 2019, CURRENT),
    ),
    "middleware": (
        ("东方通 TongWeb", True, 2010, CURRENT),
        ("金蝶 Apusic", True, 2010, CURRENT),
        ("宝兰德 BES", True, 2018, CURRENT),
        ("中创 InforSuite", True, 2018, CURRENT),
        ("WebLogic 11g", False, 2008, 2016),
        ("Tomcat 6", False, 2008, 2014),
        ("IIS", False, 2008, CURRENT),
        ("WebLogic 12c", False, 2015, CURRENT),
        ("Tomcat 8", False, 2014, 2021),
        ("Tomcat 9", False, 2018, CURRENT),
        ("JBoss", False, 2010, 2019),
    ),
    "cpu": (
        ("飞腾 FT-2000+/64", True, 2017, CURRENT),
        ("海光 C86", True, 2018, CURRENT),
        ("鲲鹏 920", True, 2019, CURRENT),
        ("龙芯 3C5000", True, 2021, CURRENT),
        ("Intel Xeon（x86）", False, 2008, CURRENT),
        ("Intel Xeon（x86）", False, 2008, CURRENT),
        ("AMD EPYC（x86）", False, 2018, CURRENT),
    ),
    "language": (
        ("Java（毕昇 JDK）", True, 2020, CURRENT),
        ("Java（龙芯 JDK）", True, 2021, CURRENT),
        ("Java", False, 2008, CURRENT),
        ("Java", False, 2008, CURRENT),
        ("Java", False, 2008, CURRENT),
        (".NET", False, 2008, CURRENT),
        ("PHP", False, 2008, CURRENT),
        ("Python", False, 2016, CURRENT),
    ),
}
PARTS = ("language", "database", "os", "middleware", "cpu")


def domestic_chance(year: int) -> float:
    """How likely a system that went live in ``year`` runs a given part on a domestic product."""
    if year <= 2016:
        return 0.04
    if year <= 2019:
        return 0.15
    if year <= 2021:
        return 0.45
    return 0.75


def _product(rng: random.Random, part: str, domestic: bool, year: int) -> tuple[str, bool]:
    options = [p for p in STACKS[part] if p[1] == domestic and p[2] <= year <= p[3]]
    if not options:  # no domestic product of that part existed yet
        options = [p for p in STACKS[part] if not p[1] and p[2] <= year <= p[3]]
    product = rng.choice(options)
    return product[0], product[1]


def stack(rng: random.Random, year: int) -> dict[str, object]:
    """The tech_* fields of a system that went live in ``year``; an older one may have been partly migrated since,
    OS and CPU first (信创 substitution in government since about 2019)."""
    migrated = year <= 2019 and rng.random() < 0.2
    fields: dict[str, object] = {}
    for part in PARTS:
        current = rng.randint(2020, 2025) if migrated and rng.random() < 0.6 else year
        bias = 1.2 if part in ("os", "cpu") else 0.9 if part == "language" else 1.0
        domestic = rng.random() < min(1.0, domestic_chance(current) * bias)
        fields[f"tech_{part}"], fields[f"tech_{part}_domestic"] = _product(rng, part, domestic, current)
    return fields


VENDORS = (
    "青禾数智科技有限公司",
    "东岳软件股份有限公司",
    "星图政通信息技术有限公司",
    "云岫数据科技有限公司",
    "北辰智联信息技术有限公司",
    "远帆网络科技有限公司",
    "汇衡政务软件有限公司",
    "澄明信息系统有限公司",
    "中衡数码科技有限公司",
    "栖梧软件技术有限公司",
    "博弈天成信息技术有限公司",
    "海岚智慧城市科技有限公司",
    "卓远信达软件有限公司",
    "恒泰安信网络安全技术有限公司",
    "三川数联科技有限公司",
    "松涛云计算有限公司",
    "新禾医疗信息技术有限公司",
    "康汇健康科技有限公司",
    "锦程教育科技有限公司",
    "睿图地理信息有限公司",
    "天衡财政软件有限公司",
    "瀚洋交通科技有限公司",
    "鸿鹄视讯技术有限公司",
    "启衡政务服务科技有限公司",
    "翰林档案信息技术有限公司",
    "安澜应急科技有限公司",
    "绿源环境监测技术有限公司",
    "嘉和社保软件有限公司",
    "融信金融信息服务有限公司",
    "桐丰数字农业科技有限公司",
)
# Vendors a department's line tends to buy from (医疗 from medical IT firms …); others draw from the whole list.
SPECIALISTS = {
    "WJW": ("新禾医疗信息技术有限公司", "康汇健康科技有限公司"),
    "YBJ": ("康汇健康科技有限公司", "嘉和社保软件有限公司"),
    "RSJ": ("嘉和社保软件有限公司", "东岳软件股份有限公司"),
    "JYJ": ("锦程教育科技有限公司",),
    "ZRJ": ("睿图地理信息有限公司", "星图政通信息技术有限公司"),
    "CZJ": ("天衡财政软件有限公司",),
    "JTJ": ("瀚洋交通科技有限公司",),
    "DAG": ("翰林档案信息技术有限公司",),
    "YJJ": ("安澜应急科技有限公司", "鸿鹄视讯技术有限公司"),
    "HBJ": ("绿源环境监测技术有限公司",),
    "DSJ": ("启衡政务服务科技有限公司", "青禾数智科技有限公司", "云岫数据科技有限公司"),
    "GAJ": ("恒泰安信网络安全技术有限公司", "鸿鹄视讯技术有限公司"),
    "JRJ": ("融信金融信息服务有限公司",),
    "NYJ": ("桐丰数字农业科技有限公司",),
}


def vendor(rng: random.Random, key: str, local: list[str]) -> str:
    specialists = SPECIALISTS.get(key)
    if specialists and rng.random() < 0.6:
        return rng.choice(specialists)
    return rng.choice(local) if rng.random() < 0.7 else rng.choice(VENDORS)


# Pinyin of the syllables core.demo.names builds place names from, for host names (beiyuan.example.gov.cn).
_PINYIN_TEXT = (
    "青qing 云yun 清qing 安an 平ping 和he 丰feng 明ming 兴xing 宁ning 永yong 长chang 德de 嘉jia 临lin 泰tai 瑞rui "
    "恒heng 桐tong 枫feng 松song 柳liu 梅mei 兰lan 金jin 玉yu 宝bao 华hua 新xin 东dong 西xi 南nan 北bei 白bai "
    "翠cui 碧bi 石shi 龙long 凤feng 鹤he 鹿lu 乐le 怀huai 崇chong 广guang 福fu 庆qing 祥xiang 盛sheng 顺shun 武wu "
    "文wen 泉quan 望wang 远yuan 春chun 秋qiu 晓xiao 沅yuan 澄cheng 溧li 岑cen 蓝lan 银yin 铜tong 榆yu 杉shan "
    "桂gui 莲lian 荷he 阳yang 江jiang 川chuan 山shan 溪xi 源yuan 城cheng 台tai 州zhou 岭ling 水shui 林lin 湖hu "
    "峰feng 桥qiao 浦pu 塘tang 坪ping 口kou 渡du 门men 田tian 原yuan 谷gu 昌chang 陵ling 沙sha 洲zhou 岗gang 坝ba "
    "冈gang 埠bu 汀ting 滨bin 港gang 湾wan 庄zhuang 集ji 堡bao 关guan 亭ting 畈fan 垟yang 海hai 澜lan"
)
PINYIN = {token[0]: token[1:] for token in _PINYIN_TEXT.split()}
GOVERNMENT_ENDINGS = ("街道", "省", "市", "县", "区", "镇", "乡")


def place_slug(name: str, fallback: str) -> str:
    """``北源县`` → ``beiyuan``; ``fallback`` when a syllable is not in the table."""
    for ending in GOVERNMENT_ENDINGS:
        if name.endswith(ending):
            name = name[: -len(ending)]
            break
    parts = [PINYIN.get(char) for char in name]
    if not parts or None in parts:
        return fallback
    return "".join(parts)  # type: ignore[arg-type]
