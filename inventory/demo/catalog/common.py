"""Templates shared by every department: generic systems, name parts for the long tail, sharing wording."""

from . import S

# The basic catalog (2017 guide): its five items, in order.
BASIC_ITEMS = ("人口基础信息", "法人单位基础信息", "自然资源和空间地理基础信息", "社会信用信息", "电子证照信息")

# Themes of the thematic catalog (demo numbering: the position is the 项 code).
THEMES = (
    "健康保障",
    "社会保障",
    "食品药品安全",
    "安全生产",
    "价格监管",
    "能源安全",
    "信用体系",
    "城乡建设",
    "社区治理",
    "生态环境",
    "应急维稳",
    "教育文化",
    "乡村振兴",
)

# Systems any department might run, named after the department itself. Several duplicate the government's shared
# platforms (OA, web site, online hall) and are the typical candidates for integration or retirement.
GENERIC = (
    (0.30, S("门户网站", "p", net="n", cost=0.2, purpose="发布本单位政务信息、政策文件和办事指南")),
    (0.25, S("OA办公系统", cost=0.3, purpose="本单位公文流转、会议管理和内部事务办理")),
    (0.18, S("档案管理系统", cost=0.3, purpose="本单位文书档案和业务档案的电子化管理")),
    (0.15, S("财务管理系统", cost=0.2, purpose="本单位会计核算、报销和预算执行管理")),
    (
        0.12,
        S("微信公众号管理平台", "p", mlps=None, net="n", cost=0.1, purpose="通过微信公众号发布政务信息、提供便民查询"),
    ),
    (0.08, S("固定资产管理系统", mlps=None, cost=0.2, purpose="本单位固定资产的登记、领用、盘点和处置")),
    (
        0.08,
        S(
            "网上办事系统（旧版）",
            "p",
            net="n",
            zombie=True,
            cost=0.4,
            purpose="早期建设的网上办事系统，事项已迁移至政务服务网",
        ),
    ),
    (
        0.06,
        S(
            "政务微博管理系统",
            "p",
            mlps=None,
            net="n",
            zombie=True,
            cost=0.1,
            purpose="政务微博内容发布与互动管理，账号已多年未更新",
        ),
    ),
    (
        0.05,
        S(
            "内部信息网站",
            mlps=None,
            net="i",
            zombie=True,
            cost=0.1,
            purpose="原内部信息发布网站，内容已并入协同办公系统",
        ),
    ),
)

# Endings for the long tail of business systems (养老保险 + 统计报表系统): who uses it, and what it does.
SYSTEM_ENDINGS = (
    ("管理系统", "i", "{topic}业务的办理、审核和信息管理"),
    ("业务系统", "i", "{topic}业务的受理、办理和归档"),
    ("管理信息系统", "i", "{topic}信息的采集、维护、查询和统计"),
    ("业务经办系统", "i", "{topic}业务的受理、审核、经办和结果反馈"),
    ("服务平台", "b", "面向群众和企业提供{topic}相关的网上申请、查询和办理"),
    ("监管平台", "i", "{topic}领域的日常监管、风险排查和执法联动"),
    ("综合管理平台", "i", "{topic}业务、数据和人员的综合管理"),
    ("数据分析系统", "i", "{topic}业务数据的汇聚、分析和可视化展示"),
    ("统计报表系统", "i", "{topic}数据的采集、汇总和统计报表报送"),
    ("移动应用", "p", "面向群众提供{topic}相关查询和办理的移动端服务"),
    ("微信小程序", "p", "通过微信小程序提供{topic}相关的便民查询和预约"),
    ("监测预警系统", "i", "{topic}运行监测、指标预警和处置跟踪"),
    ("信息采集系统", "i", "基层{topic}信息的采集、核验和上报"),
    ("决策支持系统", "i", "为{topic}工作提供数据分析和辅助决策"),
    ("网上申报系统", "p", "{topic}相关事项的网上申报、材料上传和进度查询"),
    ("数据库", "i", "{topic}业务数据的集中存储和共享"),
    ("考核评价系统", "i", "{topic}工作的考核指标管理、评分和结果通报"),
)

# What a record is about: its identifying items.
SUBJECT_ITEMS = {
    "person": "姓名 公民身份号码 性别 出生日期:d 联系电话 户籍地址 现居住地址 民族",
    "org": "单位名称 统一社会信用代码 法定代表人 注册地址 成立日期:d 联系电话 经营范围 行业类别",
    "thing": "名称 编号 所在地址 行政区划代码 经度:n 纬度:n 责任单位 状态",
    "affair": "事项名称 事项编号 承办单位 责任人 办理时限:d 办理状态",
}
# Aggregated records name no one: they skip the subject's identifying items.
AGGREGATE_ASPECTS = {"统计信息", "分布信息", "普查数据", "年度汇总数据"}

# Aspects of a business line (养老保险 + 变更信息), with their extra items, and how such records usually are shared,
# updated, formatted and opened: (name, items, share, cycle, format, open).
ASPECTS = {
    "person": (
        ("基本信息", "登记日期:d 状态", "c", "daily", "database", "n"),
        ("登记信息", "登记编号 登记日期:d 登记机关 登记类型", "c", "daily", "database", "n"),
        ("变更信息", "变更事项 变更前内容 变更后内容 变更日期:d", "c", "daily", "database", "n"),
        ("资格认定信息", "认定类别 认定结果 认定日期:d 有效期至:d", "c", "weekly", "database", "n"),
        ("服务记录", "服务日期:d 服务类型 服务内容 服务人员", "c", "daily", "database", "n"),
        ("业务办理信息", "业务类型 申请日期:d 办理结果 办结日期:d", "c", "daily", "database", "n"),
        ("统计信息", "统计期 统计指标 指标值:n 计量单位", "u", "monthly", "spreadsheet", "o"),
        ("办件信息", "办件编号 事项名称 受理时间:t 办结时间:t 办理结果", "u", "realtime", "api", "n"),
        ("名单", "名单类别 列入日期:d 列入原因", "c", "monthly", "spreadsheet", "n"),
        ("档案信息", "档案编号 档案类别 归档日期:d 电子文件:x", "c", "irregular", "document", "n"),
        ("核查结果信息", "核查事项 核查结果 核查日期:d 核查单位", "c", "weekly", "database", "n"),
    ),
    "org": (
        ("基本信息", "登记机关 登记状态 核准日期:d", "u", "daily", "database", "c"),
        ("登记信息", "登记编号 登记事项 登记日期:d", "u", "daily", "database", "c"),
        ("变更信息", "变更事项 变更前内容 变更后内容 变更日期:d", "u", "daily", "database", "c"),
        ("注销信息", "注销原因 注销日期:d 清算情况", "u", "daily", "database", "o"),
        ("许可信息", "许可证编号 许可事项 许可机关 有效期自:d 有效期至:d", "u", "daily", "database", "o"),
        ("监督检查信息", "检查日期:d 检查事项 检查结果 检查人员", "c", "weekly", "database", "c"),
        ("行政处罚信息", "处罚决定书文号 违法行为类型 处罚内容 罚款金额:n 处罚日期:d", "u", "daily", "database", "o"),
        ("名录", "名录类别 纳入日期:d", "u", "monthly", "spreadsheet", "o"),
        ("统计信息", "统计期 统计指标 指标值:n 计量单位", "u", "quarterly", "spreadsheet", "o"),
        ("信用评价信息", "评价年度 评价等级 评价机关", "u", "yearly", "database", "c"),
        ("年报信息", "报告年度 从业人数:i 营业收入:n 纳税总额:n", "c", "yearly", "database", "c"),
        ("资质信息", "资质类别 资质等级 证书编号 有效期至:d", "u", "weekly", "database", "o"),
        ("办件信息", "办件编号 事项名称 受理时间:t 办结时间:t 办理结果", "u", "realtime", "api", "n"),
    ),
    "thing": (
        ("基本信息", "建成日期:d 规模 管理单位", "u", "monthly", "database", "c"),
        ("分布信息", "分布区域 数量:i 面积:n", "u", "quarterly", "image", "o"),
        ("监测数据", "监测点编号 监测时间:t 监测指标 监测值:n 是否超标:b", "u", "realtime", "api", "c"),
        ("巡查记录", "巡查日期:d 巡查人员 发现问题 处置情况", "c", "daily", "database", "n"),
        ("统计信息", "统计期 统计指标 指标值:n 计量单位", "u", "monthly", "spreadsheet", "o"),
        ("台账", "登记日期:d 责任人 备注", "c", "monthly", "spreadsheet", "n"),
        ("档案信息", "档案编号 档案类别 归档日期:d 电子文件:x", "c", "irregular", "document", "n"),
        ("项目信息", "项目名称 项目编号 总投资:n 开工日期:d 竣工日期:d", "u", "monthly", "database", "c"),
        ("空间数据", "图斑编号 坐标系 面积:n 几何图形:x", "c", "yearly", "image", "n"),
        ("普查数据", "普查年度 普查指标 指标值:n", "c", "yearly", "spreadsheet", "c"),
        ("维护记录", "维护日期:d 维护内容 维护单位 费用:n", "c", "monthly", "database", "n"),
    ),
    "affair": (
        ("基本信息", "登记日期:d 来源 类别", "c", "daily", "database", "n"),
        ("办理信息", "收文日期:d 办理过程 办结日期:d 办理结果", "c", "daily", "database", "n"),
        ("督办信息", "督办日期:d 督办要求 反馈情况", "c", "weekly", "database", "n"),
        ("统计信息", "统计期 统计指标 指标值:n 计量单位", "u", "monthly", "spreadsheet", "o"),
        ("年度汇总数据", "年度 汇总指标 指标值:n", "u", "yearly", "spreadsheet", "o"),
        ("台账", "登记日期:d 责任人 备注", "c", "monthly", "spreadsheet", "n"),
        ("档案信息", "档案编号 档案类别 归档日期:d 电子文件:x", "c", "irregular", "document", "n"),
        ("公开信息", "公开日期:d 公开方式 公开内容", "u", "daily", "document", "o"),
    ),
}
TAIL_ITEMS = "经办机构 数据更新时间:t"

CONDITIONS = (
    "仅限用于{topic}相关业务的资格审核和比对核查，使用部门须经提供方审核同意，不得转提供第三方",
    "按需申请，经提供方审核后通过共享平台接口按条件查询，不提供批量下载",
    "仅向承担{topic}相关职责的部门提供，用于履行法定职责",
    "涉及个人信息，须说明用途并经提供方审核，按最小必要原则提供",
)
LEGAL_BASES = (
    "依据《中华人民共和国统计法》，能够识别或者推断单个统计调查对象身份的资料不得对外提供",
    "涉及国家秘密，依据《中华人民共和国保守国家秘密法》不予共享",
    "涉及正在办理的案件，依据相关法律法规不予共享",
    "依据《中华人民共和国个人信息保护法》，敏感个人信息未取得单独同意不予共享",
)

LINK_TEXT = {
    "exchange": "经数据共享交换平台共享{res}",
    "identity": "统一身份认证单点登录",
    "license": "电子证照调用与归集",
    "portal": "政务服务网事项受理与办件结果回传",
    "hotline": "12345 工单派发与办结反馈",
    "grid": "网格事件上报与分拨流转",
    "vertical": "业务数据逐级上报",
    "peer": "业务数据比对核查",
    "up": "与上级平台级联对接",
}
