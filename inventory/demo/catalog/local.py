"""Subordinate units (hospitals, schools, libraries …), township offices, and the fallback for unknown departments."""

from . import Catalog, R, S, V

PERSON = "姓名 公民身份号码"


def _hospital(weight: float) -> Catalog:
    return Catalog(
        systems=(
            S("HIS系统", "i", mlps=3, data="i", own=True, topic="门诊", cost=2.5),
            S("电子病历系统", mlps=3, data="i", own=True, topic="住院", cost=2.0),
            S("LIS实验室信息系统", data="i", own=True, topic="医技"),
            S("PACS影像归档和通信系统", data="i", own=True, topic="医技", cost=1.5),
            S("互联网医院平台", "p", mlps=3, data="i", net="n", own=True, topic="门诊"),
            S("医院信息集成平台", mlps=3, data="i", own=True),
            S("病案管理系统", data="i", own=True, topic="病案"),
            S("合理用药监测系统", own=True, topic="药事"),
            S("自助服务终端系统", "p", own=True, topic="门诊"),
        ),
        topics=("门诊", "住院", "药事", "护理", "医技", "医保结算", "院感", "病案", "后勤", "绩效", "体检"),
        subject="person",
        items="就诊卡号 门诊号 住院号 科室 诊断编码 医嘱 检验项目 结果值:n 费用:n",
        resources=(
            R(
                "住院病案首页信息",
                f"病案号 {PERSON} 入院日期:d 出院日期:d 主要诊断 手术操作 总费用:n",
                share="n",
                data="i",
            ),
            R("检验检查结果互认信息", f"报告编号 {PERSON} 检查项目 检查日期:d 结果 报告医生", share="c", data="i"),
            R("医院基本信息", "医院名称 统一社会信用代码 医院等级 床位数:i 卫技人员数:i", share="u", open="o"),
        ),
        services=(V("预约挂号", "服务", "互联网医院平台", "mobile"),),
        weight=weight,
        theme="健康保障",
        abbr="hospital",
    )


SUBUNITS = {
    "医院": _hospital(2.2),
    "保健院": _hospital(1.2),
    "中学": Catalog(
        systems=(
            S("智慧校园平台", "b", own=True),
            S("校园一卡通系统", own=True),
            S("排课选课系统", own=True),
            S("学生综合素质评价系统", data="i", own=True),
        ),
        topics=("教务", "学生管理", "德育", "后勤"),
        subject="person",
        items="学号 班级 课程 成绩:n",
        weight=0.6,
        abbr="school",
    ),
    "考试院": Catalog(
        systems=(
            S("考试报名系统", "p", mlps=3, data="i", net="n", own=True, topic="考试报名"),
            S("标准化考点视频巡查系统", own=True),
            S("考务管理系统", data="i", own=True),
        ),
        topics=("考试报名", "考务管理", "成绩管理"),
        subject="person",
        items="准考证号 考试科目 考点 成绩:n",
        services=(V("教育考试报名", "服务", "考试报名系统"),),
        weight=0.5,
    ),
    "图书馆": Catalog(
        systems=(S("图书馆集群管理系统", "b", own=True), S("数字图书馆服务平台", "p", net="n", own=True)),
        topics=("文献借阅", "数字资源", "阅读推广"),
        items="读者证号 文献编号 借阅日期:d",
        services=(V("图书借阅", "服务", "图书馆集群管理系统", "self_service"),),
        weight=0.4,
        abbr="library",
    ),
    "文化馆": Catalog(
        systems=(S("文化馆数字服务平台", "p", net="n", own=True),),
        topics=("群众文化活动", "非物质文化遗产"),
        items="活动名称 活动日期:d 参与人数:i",
        weight=0.3,
    ),
    "检验检测中心": Catalog(
        systems=(S("检验检测业务管理系统（LIMS）", own=True),),
        topics=("检验检测", "样品管理", "检测报告"),
        subject="org",
        items="样品编号 检测项目 检测结果 报告编号",
        weight=0.5,
    ),
    "社会福利院": Catalog(
        systems=(S("福利院综合管理系统", data="i", own=True),),
        topics=("供养对象", "护理服务"),
        subject="person",
        items="入院日期:d 护理等级 床位号",
        weight=0.3,
    ),
    "教师发展中心": Catalog(
        systems=(S("教师培训管理平台", "b", own=True),),
        topics=("教师培训", "教研活动"),
        subject="person",
        items="培训项目 学时:i 考核结果",
        weight=0.3,
    ),
}

_TOWN_SERVICES = (
    V("城乡居民基本养老保险参保登记", "确认", "便民服务中心综合受理系统"),
    V("城乡居民基本医疗保险参保登记", "确认", "便民服务中心综合受理系统"),
    V("最低生活保障申请受理", "给付", "便民服务中心综合受理系统", "window"),
    V("临时救助申请受理", "给付", "便民服务中心综合受理系统"),
    V("困难残疾人生活补贴申请受理", "给付", "便民服务中心综合受理系统"),
    V("高龄津贴申请受理", "给付", "便民服务中心综合受理系统", "mobile"),
    V("老年人优待证办理", "服务", "便民服务中心综合受理系统"),
    V("农村村民住宅建设审批", "许可", "", "window"),
    V("居住证申领受理", "确认", "便民服务中心综合受理系统"),
)

OFFICES = {
    "DZB": Catalog(
        systems=(
            S("网格化社会治理平台", hub="grid", data="i", home="PAB", levels="t", cost=0.8),
            S(
                "便民服务中心综合受理系统",
                "b",
                home="BMZ",
                levels="t",
                cost=0.5,
                purpose="乡镇（街道）便民服务中心政务服务事项的统一受理、代办帮办和结果送达，对接县级政务服务网",
            ),
            S("村级事务管理系统", levels="t", topic="村务管理", cost=0.3),
            S("智慧党建平台", "b", mlps=None, levels="t", cost=0.2, purpose="党员管理、组织生活记录和党建宣传"),
        ),
        topics=("村务管理", "综合治理", "党建工作", "人口管理"),
        items="村（社区）名称 网格编号 网格员 事件类型 上报时间:t 处置状态",
        resources=(
            R("网格员信息", "网格编号 网格员姓名 联系电话 负责区域 在岗状态", share="u", system="网格化社会治理平台"),
            R("网格事件信息", "事件编号 事件类型 上报时间:t 发生地点 处置部门 办结时间:t", system="网格化社会治理平台"),
            R("实有人口信息", f"{PERSON} 居住地址 人口类型 所属网格", share="c", data="i", theme="社区治理"),
            R("实有房屋信息", "房屋编号 房屋地址 房屋用途 产权人 所属网格", share="c", theme="社区治理"),
            R("村（社区）基本信息", "村（社区）名称 区划代码 户数:i 人口数:i 书记姓名", share="u", open="o"),
        ),
        services=_TOWN_SERVICES,
        weight=1.0,
        theme="社区治理",
    ),
    "JFB": Catalog(
        systems=(
            S("农村集体“三资”管理平台", levels="t", topic="农村集体资产", cost=0.4),
            S("招商项目管理系统", levels="t", topic="招商引资", cost=0.2),
        ),
        topics=("农村集体资产", "招商引资", "特色产业"),
        items="资产编号 资产名称 资产类别 账面价值:n 经营方式",
        resources=(
            R("农村集体资产清查数据", "村集体名称 资产类别 资产数量:i 账面价值:n 清查日期:d", theme="乡村振兴"),
        ),
        weight=0.5,
    ),
    "SSB": Catalog(
        systems=(
            S("退役军人服务站管理系统", levels="t", cost=0.2),
            S("社会救助入户核查系统", data="i", levels="t", cost=0.3),
            S("居家养老服务管理系统", "b", levels="t", cost=0.3),
        ),
        topics=("社会救助", "养老服务", "退役军人服务", "残疾人服务"),
        subject="person",
        items="救助类别 核查日期:d 核查结论 服务对象类别",
        weight=0.5,
    ),
    "ZFD": Catalog(
        systems=(S("基层综合执法平台", levels="t", cost=0.3), S("违法建设巡查系统", levels="t", cost=0.2)),
        topics=("违法建设", "市容环境", "执法办案"),
        subject="org",
        items="案件编号 案由 发现日期:d 处理结果",
        weight=0.4,
    ),
    "BMZ": Catalog(
        systems=(
            S("排队叫号系统", "p", mlps=None, levels="t", cost=0.1),
            S("自助服务终端管理系统", "p", levels="t", cost=0.2),
        ),
        topics=("便民服务", "代办服务"),
        subject="person",
        items="办件编号 事项名称 受理时间:t 办结时间:t",
        weight=0.4,
    ),
    "PAB": Catalog(
        systems=(
            S("雪亮工程视频监控平台", data="i", levels="t", cost=0.6),
            S("矛盾纠纷多元化解系统", levels="t", cost=0.3),
        ),
        topics=("矛盾纠纷", "平安建设", "重点人员"),
        subject="person",
        items="纠纷编号 纠纷类型 调处结果 调处日期:d",
        resources=(
            R(
                "重点人员管控信息",
                f"{PERSON} 人员类别 管控措施 所属网格",
                share="n",
                basis="依据《中华人民共和国个人信息保护法》，敏感个人信息未取得单独同意不予共享",
            ),
        ),
        weight=0.5,
    ),
}

FALLBACK = Catalog(
    systems=(S("业务管理系统"),),
    topics=("业务管理", "综合事务", "信息公开", "统计分析"),
    subject="affair",
    items="事项名称 办理日期:d 办理结果",
    weight=0.5,
)
