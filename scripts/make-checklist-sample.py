#!/usr/bin/env python3
"""Writes deploy/eldercare/checklist-sample.json: a SAMPLE inspection checklist in the shape of
Anyang's 五查五改 (5 areas / 23 sub-areas / 118 items, seed S001). The item texts are plausible
examples on the seed's themes, not Anyang's real list; each bureau loads its own checklist.

Run from the repository root: python3 scripts/make-checklist-sample.py
"""
import json
import os

FIRE = "《中华人民共和国消防法》第十六条"
FIRE_ROUTES = "《中华人民共和国消防法》第二十八条"
ELDER_MGMT = "《养老机构管理办法》（民政部令第66号）"
SAFETY_STD = "GB 38600-2019《养老机构服务安全基本规范》"
FOOD_LICENCE = "《中华人民共和国食品安全法》第三十五条"
FOOD_HEALTH = "《中华人民共和国食品安全法》第四十五条"
FOOD_DISHES = "《中华人民共和国食品安全法》第五十六条"
FOOD_OPS = "《餐饮服务食品安全操作规范》"
AGREEMENT = "《中华人民共和国老年人权益保障法》第四十八条"
RIGHTS = "《中华人民共和国老年人权益保障法》"
FILING = "《中华人民共和国老年人权益保障法》第四十三条"
EQUIPMENT = "《中华人民共和国特种设备安全法》"
FUNDRAISING = "《防范和处置非法集资条例》"
GRADE_STD = "GB/T 37276-2018《养老机构等级划分与评定》"
ACCESS = "GB 50763《无障碍设计规范》"
CONSTRUCTION = "《建设工程质量管理条例》"

# (area code, title, default hazard class, [(sub-area title, hazard class or None, [(text, weight, legal basis)])])
AREAS = [
    ("1", "查消防安全", "fire_safety", [
        ("消防设施器材", None, [
            ("按规定配置灭火器，且在有效期内、压力正常", 2, FIRE),
            ("室内消火栓箱内水带、水枪齐全，未被遮挡、圈占", 2, FIRE_ROUTES),
            ("自动喷水灭火系统或简易喷淋设施运行正常", 3, FIRE),
            ("火灾自动报警系统或独立式感烟火灾探测报警器完好有效", 3, FIRE),
            ("消防设施每年至少进行一次全面检测，有检测报告", 2, FIRE),
            ("消防控制室或值班室设施设备运行正常", 2, FIRE),
        ]),
        ("疏散通道与安全出口", None, [
            ("疏散通道、安全出口畅通，未被占用、堵塞或封闭", 3, FIRE_ROUTES),
            ("应急照明和疏散指示标志设置齐全、完好有效", 2, FIRE),
            ("老年人居室门、走廊未设置影响逃生的障碍物", 2, FIRE_ROUTES),
            ("常闭式防火门处于关闭状态，闭门器完好", 2, FIRE),
            ("窗户未设置影响逃生和灭火救援的铁栅栏", 2, FIRE_ROUTES),
        ]),
        ("电气线路与用火用气", None, [
            ("电气线路敷设规范，无私拉乱接电线", 3, FIRE),
            ("老年人居室内无违规使用大功率电器和电热毯", 2, FIRE),
            ("电动自行车未在室内、楼道停放或充电", 3, FIRE_ROUTES),
            ("厨房燃气管道、阀门完好，安装可燃气体报警装置", 3, FIRE),
            ("未在建筑内违规存放易燃易爆危险品", 3, FIRE),
            ("吸烟区设置规范，居室内无吸烟和使用明火现象", 1, FIRE),
        ]),
        ("消防安全管理制度", None, [
            ("明确消防安全责任人、管理人，职责落实到岗", 2, FIRE),
            ("建立并落实防火巡查、检查制度，有巡查记录", 2, FIRE),
            ("夜间防火巡查每两小时不少于一次", 2, SAFETY_STD),
            ("制定灭火和应急疏散预案并报备", 2, FIRE),
            ("火灾隐患整改台账完整，整改到位", 2, FIRE),
        ]),
        ("消防培训演练与值班", None, [
            ("工作人员经消防安全培训，会报警、会扑救初起火灾、会组织疏散", 2, FIRE),
            ("每半年至少组织一次灭火和应急疏散演练", 2, FIRE),
            ("消防控制室实行24小时值班，值班人员持证上岗", 2, FIRE),
            ("建立微型消防站或志愿消防队，器材配备齐全", 1, FIRE),
            ("失能老年人疏散有专人负责，预案明确", 2, SAFETY_STD),
        ]),
    ]),
    ("2", "查食品安全", "food_safety", [
        ("食品经营资质与人员健康", None, [
            ("内设食堂取得食品经营许可证并在有效期内", 3, FOOD_LICENCE),
            ("从业人员每年进行健康检查，持有效健康证明上岗", 2, FOOD_HEALTH),
            ("配备食品安全管理人员，建立食品安全管理制度", 2, FOOD_OPS),
            ("从业人员接受食品安全知识培训", 1, FOOD_OPS),
            ("外购餐食的供餐单位资质齐全，签订供餐协议", 2, FOOD_LICENCE),
        ]),
        ("食材采购与贮存", None, [
            ("建立食品及原料进货查验记录，索证索票齐全", 2, FOOD_OPS),
            ("无采购、使用过期变质或来源不明的食品及原料", 3, FOOD_OPS),
            ("食品贮存分类分架、隔墙离地，生熟分开", 1, FOOD_OPS),
            ("冷藏冷冻设施温度符合要求，有温度记录", 1, FOOD_OPS),
            ("库房内无存放有毒有害物品和个人物品", 2, FOOD_OPS),
        ]),
        ("加工制作与留样", None, [
            ("加工场所布局合理，生熟加工区域分开", 2, FOOD_OPS),
            ("每餐次食品留样不少于125克，冷藏保存48小时以上", 2, FOOD_OPS),
            ("留样记录完整，有专人负责", 1, FOOD_OPS),
            ("防鼠、防蝇、防虫设施完好", 1, FOOD_OPS),
            ("加工用水符合生活饮用水卫生标准", 2, FOOD_OPS),
        ]),
        ("餐饮具清洗消毒", None, [
            ("餐饮具使用后及时清洗消毒，有消毒记录", 2, FOOD_DISHES),
            ("消毒设施设备正常运转", 1, FOOD_DISHES),
            ("已消毒餐饮具存放于专用保洁设施内", 1, FOOD_DISHES),
            ("清洗消毒剂符合食品安全要求，标识清楚", 1, FOOD_DISHES),
        ]),
        ("膳食服务与营养", None, [
            ("按老年人身体状况提供普食、软食、流食等膳食", 2, SAFETY_STD),
            ("每周公布食谱，听取老年人意见", 1, ELDER_MGMT),
            ("为吞咽障碍老年人提供防噎食措施和协助进食", 3, SAFETY_STD),
            ("伙食费单独核算，专款用于老年人膳食", 2, ELDER_MGMT),
        ]),
    ]),
    ("3", "查服务质量", "service_quality", [
        ("入住评估与服务协议", None, [
            ("老年人入住前开展能力评估，评估结果存档", 2, ELDER_MGMT),
            ("与老年人或其代理人签订服务协议，内容完整", 3, AGREEMENT),
            ("根据评估结果确定照料护理等级并定期复评", 2, ELDER_MGMT),
            ("建立老年人入住档案，一人一档", 1, ELDER_MGMT),
            ("服务项目和收费标准在醒目位置公示", 2, ELDER_MGMT),
        ]),
        ("生活照料服务", None, [
            ("按照护理等级提供生活照料服务，有服务记录", 2, GRADE_STD),
            ("卧床老年人定时翻身，无压疮发生或处置及时", 3, SAFETY_STD),
            ("老年人居室整洁、通风，床单位清洁", 1, GRADE_STD),
            ("协助老年人洗浴时有防滑、防烫措施", 2, SAFETY_STD),
            ("开展跌倒、走失风险评估并落实防范措施", 3, SAFETY_STD),
            ("开展文化娱乐、精神慰藉等服务", 1, GRADE_STD),
        ]),
        ("医养结合与健康管理", None, [
            ("设立医务室或与医疗机构签订医疗服务协议", 2, ELDER_MGMT),
            ("建立老年人健康档案，定期开展健康检查", 2, ELDER_MGMT),
            ("药品由专人管理，服药有核对和记录", 3, SAFETY_STD),
            ("传染病防控措施落实，有晨午检和消毒记录", 2, ELDER_MGMT),
            ("突发疾病有紧急送医流程和记录", 2, SAFETY_STD),
        ]),
        ("老年人权益保护", None, [
            ("无虐待、歧视、侮辱老年人的行为", 3, RIGHTS),
            ("未经同意不对老年人采取约束措施，约束有医嘱和记录", 3, SAFETY_STD),
            ("老年人财物代管有登记、有签字确认", 2, RIGHTS),
            ("设置投诉意见箱并公开投诉电话，投诉有处理记录", 1, ELDER_MGMT),
            ("尊重老年人隐私，个人信息妥善保管", 2, RIGHTS),
        ]),
        ("人员配备与培训", None, [
            ("按照护理等级配备相应数量的养老护理员", 2, GRADE_STD),
            ("养老护理员经岗前培训，持证上岗比例达标", 2, ELDER_MGMT),
            ("工作人员定期接受职业道德和业务培训", 1, ELDER_MGMT),
            ("配备专职或兼职安全管理人员", 2, SAFETY_STD),
            ("工作人员无不良从业记录，入职前开展背景审查", 2, ELDER_MGMT),
        ]),
    ]),
    ("4", "查建筑设施安全", "building_safety", [
        ("房屋建筑安全", None, [
            ("建筑物经竣工验收或房屋安全鉴定合格", 3, CONSTRUCTION),
            ("房屋无明显裂缝、沉降、渗漏等安全隐患", 3, CONSTRUCTION),
            ("未擅自改变建筑主体结构或使用功能", 3, CONSTRUCTION),
            ("无违规使用彩钢板等易燃可燃材料搭建的建筑", 3, FIRE),
            ("防汛、防雷设施完好，排水通畅", 2, ELDER_MGMT),
        ]),
        ("无障碍与适老化设施", None, [
            ("出入口、走廊、卫生间等设置无障碍设施", 2, ACCESS),
            ("走廊、楼梯两侧设置扶手", 2, ACCESS),
            ("卫生间、浴室设置扶手和防滑地面", 2, SAFETY_STD),
            ("居室、卫生间设置紧急呼叫装置并能正常使用", 3, SAFETY_STD),
            ("地面平整防滑，无明显高差", 1, ACCESS),
        ]),
        ("特种设备安全", None, [
            ("电梯经定期检验合格，检验标志在有效期内", 3, EQUIPMENT),
            ("电梯有日常维护保养记录，应急救援电话畅通", 2, EQUIPMENT),
            ("锅炉、压力容器等特种设备登记使用、作业人员持证", 2, EQUIPMENT),
            ("特种设备安全管理制度和应急预案健全", 1, EQUIPMENT),
        ]),
        ("安全防护与监控", None, [
            ("出入口、公共区域安装视频监控，录像保存不少于30日", 2, SAFETY_STD),
            ("楼梯口、窗户、阳台设置安全防护设施", 3, SAFETY_STD),
            ("建立门卫和访客登记制度", 1, ELDER_MGMT),
            ("危险物品和设备间上锁管理", 1, SAFETY_STD),
            ("认知障碍老年人活动区域设置防走失设施", 2, SAFETY_STD),
        ]),
    ]),
    ("5", "查运营管理", "management", [
        ("登记备案与信息公开", None, [
            ("依法办理登记，登记事项与实际一致", 2, FILING),
            ("按规定向民政部门办理备案，备案信息真实", 3, FILING),
            ("备案事项变更后及时办理变更备案", 1, FILING),
            ("在机构醒目位置公示登记证书、备案回执", 1, ELDER_MGMT),
            ("在企业标准信息公共服务平台公开服务标准信息", 1, ELDER_MGMT),
            ("按要求报送统计数据和年度工作报告", 1, ELDER_MGMT),
        ]),
        ("财务与收费管理", None, [
            ("建立规范的财务管理制度，账目清晰", 2, ELDER_MGMT),
            ("按公示标准收费，无擅自提高收费或乱收费", 2, ELDER_MGMT),
            ("押金收取标准合理，单独管理、按约退还", 2, ELDER_MGMT),
            ("政府补贴资金专款专用，无虚报冒领", 3, ELDER_MGMT),
            ("出具规范的收费票据", 1, ELDER_MGMT),
        ]),
        ("非法集资风险防范", "illegal_fundraising", [
            ("无以养老服务为名向社会公众非法吸收资金", 3, FUNDRAISING),
            ("无销售养老“会员卡”“贵宾卡”等承诺高额回报的行为", 3, FUNDRAISING),
            ("预收费金额和期限符合规定，资金纳入监管", 3, FUNDRAISING),
            ("无以“养老公寓”“床位”投资为名承诺还本付息", 3, FUNDRAISING),
            ("无代理销售理财产品或保健品等欺骗老年人的行为", 2, FUNDRAISING),
            ("开展防范非法集资宣传，老年人知晓举报渠道", 1, FUNDRAISING),
        ]),
        ("应急管理与安全责任", None, [
            ("建立安全生产责任制，主要负责人为第一责任人", 2, SAFETY_STD),
            ("制定突发事件应急预案并定期演练", 2, ELDER_MGMT),
            ("建立安全隐患排查治理台账，定期自查", 2, ELDER_MGMT),
            ("突发事件按规定及时报告民政部门", 2, ELDER_MGMT),
            ("投保养老机构综合责任保险", 1, RIGHTS),
            ("停业、歇业前制定老年人安置方案并报告", 3, "《中华人民共和国老年人权益保障法》第四十六条"),
        ]),
    ]),
]


def build():
    areas = []
    for code, title, default_class, subs in AREAS:
        sub_areas = []
        for s, (sub_title, sub_class, items) in enumerate(subs, start=1):
            sub_code = f"{code}.{s}"
            sub_areas.append({
                "code": sub_code,
                "title": sub_title,
                "items": [
                    {
                        "code": f"{sub_code}.{i}",
                        "text": text,
                        "weight": weight,
                        "hazard_class": sub_class or default_class,
                        "legal_basis": basis,
                    }
                    for i, (text, weight, basis) in enumerate(items, start=1)
                ],
            })
        areas.append({"code": code, "title": title, "sub_areas": sub_areas})
    return {
        "version": "sample-wuchawugai-1",
        "title": "养老机构“五查五改”检查清单（示例）",
        "issuer": "Civic（示例，非任何民政部门发布）",
        "sample": True,
        "note": (
            "SAMPLE ONLY: the shape of Anyang's 五查五改 checklist (5 areas, 23 sub-areas, 118 items, seed S001) with "
            "illustrative item texts, weights and legal bases. It is not an official checklist: each bureau loads its own "
            "checklist file (its own version id) and checks the article numbers cited. 示例清单，仅供演示；各地民政部门加载本地正式清单。"
        ),
        "areas": areas,
    }


def main():
    doc = build()
    counts = (
        len(doc["areas"]),
        sum(len(a["sub_areas"]) for a in doc["areas"]),
        sum(len(s["items"]) for a in doc["areas"] for s in a["sub_areas"]),
    )
    assert counts == (5, 23, 118), counts
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = os.path.join(root, "deploy", "eldercare", "checklist-sample.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=2)
        f.write("\n")
    print(path, "%d/%d/%d" % counts, "total weight", sum(i["weight"] for a in doc["areas"] for s in a["sub_areas"] for i in s["items"]))


if __name__ == "__main__":
    main()
