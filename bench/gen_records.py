#!/usr/bin/env python3
"""N varied, valid audit records for the batch benchmark (bench/run.sh).

Usage: bench/gen_records.py N OUT_DIR

Varies: client names and address lengths; scores (lost points, halves, `excluded`
indicators, `derived` ones from proportional deductions `samples: 10, nonconforming: k`,
which give fractional scores); audit type (initial: no previous_end, changes or
certificate_use; surveillance 1 and 2; a few recertifications); multi-site clients (`sites:`
and `overview.multi_site_management`); team size; the number of findings and suggestions and
the length of every narrative. Records go 1,000 to a sub-folder; the CB profile sits at the
top (batch skips it as a profile).
"""
import datetime
import json
import os
import random
import shutil
import sys

N, OUT = int(sys.argv[1]), sys.argv[2]
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
rng = random.Random(27922)

# (key, max) in the order of schemes/gbt27922-2011.yaml.
INDICATORS = [
    ("organisation", 4), ("staffing", 6), ("resources", 6), ("service_standards", 6),
    ("supervision", 7), ("improvement", 5), ("service_culture", 6),
    ("product_information", 6), ("technical_support", 6), ("delivery", 4), ("repair", 10),
    ("quality_assurance", 7), ("recycling", 2),
    ("customer_relations", 15), ("complaint_handling", 10),
]
EXCLUDABLE = ["delivery", "recycling", "technical_support", "quality_assurance"]
WORDS = "环保节能智能装备信息科技电子机械医疗家居汽车物流电器通信仪器新材料精密农业食品"
CITIES = ["重庆市大渡口区", "北京市朝阳区", "上海市浦东新区", "广东省深圳市南山区",
          "四川省成都市高新区", "浙江省杭州市西湖区", "内蒙古自治区呼和浩特市赛罕区"]
STREETS = ["松青路", "建设大道", "科技园南区高新中一道", "解放碑步行街", "滨江路", "工业园区创业大道"]
SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华心飞莹"
SENTENCES = [
    "受评价方建立了覆盖售前、售中、售后的服务体系，各环节职责明确。",
    "服务人员经过专业培训，能够按规定流程受理和处理顾客的咨询与投诉。",
    "抽查的服务记录填写基本规范，个别记录的签字和日期不全，应予改善。",
    "设有备品备件库，常用备件储备充足，能够及时调配，缩短维修时间。",
    "通过电话回访和现场访谈了解顾客满意度，大部分顾客对服务表示满意。",
    "服务体系文件较为齐全，但部分文件更新不及时，与实际操作存在差异。",
    "建议进一步整合客户反馈渠道，建立统一的问题管理系统，提高处理效率。",
    "The ISO 9001 certificate No. 12345-Q and the CRM system v2.1 were sighted.",
]
ASPECTS = ["服务流程方面", "服务人员能力方面", "客户满意度方面", "服务体系文件方面", "设施设备方面", "信息化管理方面"]


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def person() -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def prose(low: int, high: int, paragraphs: int = 1) -> str:
    paras = []
    for _ in range(paragraphs):
        paras.append("".join(rng.choice(SENTENCES) for _ in range(rng.randint(low, high))))
    return "\n\n".join(paras)


def address() -> str:
    tail = "".join(rng.choice("附栋单元层室") + str(rng.randint(1, 30)) for _ in range(rng.randint(0, 6)))
    return f"{rng.choice(CITIES)}{rng.choice(STREETS)} {rng.randint(1, 9999)} 号{tail}"


def record(i: int) -> str:
    kind = "initial" if i % 5 == 0 else ("recertification" if i % 11 == 0 else "surveillance")
    multi_site = i % 7 == 3
    name = "".join(rng.choice(WORDS) for _ in range(rng.randint(2, 12))) + f"第{i}" + rng.choice(
        ["有限公司", "股份有限公司", "有限责任公司"])
    registered, audit_address = address(), address()
    start = datetime.date(2025, 1, 6) + datetime.timedelta(days=rng.randint(0, 330))
    end = start + datetime.timedelta(days=rng.randint(0, 3))
    out = ["profile: ../cb-profile.yaml", f"project_number: {10000 + i}-2024-SA", f"audit_type: {kind}"]
    if kind == "surveillance":
        out.append(f"surveillance_number: {1 + i % 2}")
    out += ["client:", f"  name: {q(name)}", f"  registered_address: {q(registered)}",
            f"  audit_address: {q(audit_address)}"]
    if multi_site:
        out.append("  sites:")
        for k in range(rng.randint(1, 6)):
            out += [f"    - name: {q(f'第{k + 1}分公司')}", f"      address: {q(address())}"]
    out += ["  contact:", f"    person: {person()}", f'    phone: "1{rng.randint(3000000000, 9999999999)}"',
            f"    email: c{i}@example.com"]
    out += ["scope:", f"  text: {q(rng.choice(WORDS[:12]) + '类设备销售的售后服务')}"]
    out += ["audit:", "  method: on_site", f"  start: {start} am", f"  end: {end} pm"]
    if kind != "initial":
        out.append(f"  previous_end: {start - datetime.timedelta(days=rng.randint(300, 400))}")
    out.append("  team:")
    team = [person() for _ in range(rng.randint(1, 3))]
    for k, member in enumerate(team):
        out += [f"    - code: {'ABC'[k]}", f"      name: {member}",
                f"      role: {'leader' if k == 0 else 'member'}",
                f"      registration: 2025-S1SC-{rng.randint(1000000, 9999999)}",
                '      specialty: "02.01"', f'      phone: "1{rng.randint(3000000000, 9999999999)}"']
    out.append(f"  sampling: {q(prose(1, 4))}")
    if kind != "initial":
        if rng.random() < 0.5:
            out.append("changes: {}")
        else:
            out += ["changes:", "  registered_address:", f"    from: {q(address() + '旧址')}",
                    f"    to: {q(registered)}", f"  management: {q(prose(1, 2))}"]

    # Scores, and the findings that deduct from the derived ones.
    scores, deductions = [], []
    excluded = set(rng.sample(EXCLUDABLE, rng.choice([0, 0, 1, 2])))
    for key, top in INDICATORS:
        roll = rng.random()
        if key in excluded:
            scores.append(f"  {key}: excluded")
        elif roll < 0.15:
            scores.append(f"  {key}: derived")
            deductions.append((key, rng.randint(1, 3)))
        elif roll < 0.25:
            scores.append(f"  {key}: {top - 0.5}")
        elif roll < 0.45:
            scores.append(f"  {key}: {top - rng.randint(1, min(2, top))}")
        else:
            scores.append(f"  {key}: {top}")
    out += ["scores:"] + scores

    out += ["overview:", f"  introduction: {q(prose(1, 8))}"]
    if multi_site:
        out.append(f"  multi_site_management: {q('总部统一管理各分场所的售后服务。' + prose(0, 3))}")
    out += [f"  pre_sale: {q(prose(1, 5, rng.randint(1, 3)))}", f"  in_sale: {q(prose(1, 6))}",
            f"  after_sale: {q(prose(1, 5, rng.randint(1, 3)))}", f"  methods: {q(prose(1, 6))}",
            f"  summary: {q(prose(1, 4))}"]

    out.append("findings:")
    for _ in range(rng.randint(1, 5)):
        out += [f"  - aspect: {rng.choice(ASPECTS)}", f"    text: {q(prose(1, 6))}"]
    for key, bad in deductions:
        out += [f"  - aspect: {rng.choice(ASPECTS)}", f"    text: {q(prose(1, 3))}",
                f"    deduction: {{indicator: {key}, samples: 10, nonconforming: {bad}}}"]

    evaluators = ", ".join(person() for _ in range(rng.randint(1, 3)))
    out += ["internal_evaluation:", f"  date: {start - datetime.timedelta(days=rng.randint(10, 120))}",
            f"  evaluators: [{evaluators}]", f"  score: {rng.randint(80, 100)}",
            f"  assessment: {q(prose(1, 3))}"]
    out.append("suggestions:")
    for aspect in rng.sample(ASPECTS, rng.randint(1, 3)):
        out += [f"  - aspect: {aspect}", "    items:"]
        for _ in range(rng.randint(1, 3)):
            out += [f"      - lead: {q(rng.choice(['优化服务响应流程', '加强培训与技能提升', '建立客户信息管理系统']))}",
                    f"        text: {q(prose(1, 3))}"]
    if kind != "initial":
        out.append("certificate_use: 未见证书及标志违规使用情况")
    out += ["conclusion:", f"  author: {team[0]}", f"  date: {end + datetime.timedelta(days=rng.randint(0, 5))}"]
    return "\n".join(out) + "\n"


os.makedirs(OUT, exist_ok=True)
shutil.copy(os.path.join(REPO, "examples", "cb-profile.yaml"), os.path.join(OUT, "cb-profile.yaml"))
for i in range(N):
    sub = os.path.join(OUT, f"{i // 1000:03d}")
    os.makedirs(sub, exist_ok=True)
    with open(os.path.join(sub, f"record-{i:05d}.yaml"), "w", encoding="utf-8") as f:
        f.write(record(i))
