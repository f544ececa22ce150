#!/usr/bin/env python3
"""Generates N varied, valid audit records from the example record, for the benchmarks.

Usage: gen_records.py N OUT_DIR

Records vary in client names and address lengths, scores (with exclusions, derived scores from
proportional deductions), audit type (initial or surveillance), multi-site clients and the
length of the narratives. Every tenth record is multi-site, every seventh an initial audit.
"""
import os
import random
import re
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = open(os.path.join(ROOT, "examples", "baihuan-2025.yaml"), encoding="utf-8").read()
WORDS = "环保节能智能装备信息科技电子机械医疗家居汽车物流"


def record(i: int, rng: random.Random) -> str:
    text = EXAMPLE
    name = "".join(rng.choice(WORDS) for _ in range(rng.randint(2, 8))) + f"第{i}有限公司"
    text = text.replace("重庆百环环保科技有限公司", name)
    text = text.replace("20913-2024-SA", f"{20000 + i}-2024-SA")
    street = "松青路 " + str(rng.randint(1, 9999)) + " 号" + "附" * rng.randint(0, 20)
    text = text.replace("松青路 1563 号 2-1", street)
    # Longer or shorter narratives.
    text = text.replace(
        "  introduction: 受评价方专注于环保类设备销售的售后服务。其服务体系涵盖了售前、售中及售后的全流程环节。",
        "  introduction: " + "受评价方专注于环保类设备销售的售后服务。" * rng.randint(1, 12),
    )
    # Scores: lose a point here and there, exclude recycling sometimes, derive complaints.
    for key, top in [("supervision", 7), ("improvement", 5), ("customer_relations", 15)]:
        text = re.sub(rf"  {key}: \d+", f"  {key}: {rng.randint(top - 3, top)}", text)
    if i % 3 == 0:
        text = text.replace("  recycling: 2", "  recycling: excluded")
    if i % 4 == 0:
        bad = rng.randint(0, 3)
        text = text.replace("  complaint_handling: 8", "  complaint_handling: derived")
        text = text.replace(
            "  - aspect: 客户满意度方面\n",
            "  - aspect: 客户满意度方面\n"
            f"    deduction: {{indicator: complaint_handling, samples: 10, nonconforming: {bad}}}\n",
        )
    if i % 10 == 0:
        sites = "".join(
            f"    - name: 第{k}分公司\n      address: 重庆市渝中区解放碑 {k} 号\n" for k in range(1, rng.randint(2, 6))
        )
        text = text.replace("  # 1.5 单一场所组织：不写 sites\n", "  sites:\n" + sites)
        text = text.replace("overview:\n", "overview:\n  multi_site_management: 总部统一管理各分场所的售后服务。\n")
    if i % 7 == 0:
        text = text.replace("audit_type: surveillance\nsurveillance_number: 1", "audit_type: initial")
        text = text.replace("  previous_end: 2024-11-28\n", "")
        text = re.sub(r"# 1\.14.*?(?=# 1\.15)", "", text, flags=re.S)
        text = text.replace("certificate_use: 未见证书及标志违规使用情况\n", "")
    return text


def main() -> None:
    count, out = int(sys.argv[1]), sys.argv[2]
    os.makedirs(out, exist_ok=True)
    shutil.copy(os.path.join(ROOT, "examples", "cb-profile.yaml"), os.path.join(out, "cb-profile.yaml"))
    rng = random.Random(27922)
    for i in range(count):
        sub = os.path.join(out, f"{i // 1000:03d}")
        os.makedirs(sub, exist_ok=True)
        body = record(i, rng).replace("profile: cb-profile.yaml", "profile: ../cb-profile.yaml")
        with open(os.path.join(sub, f"record-{i:05d}.yaml"), "w", encoding="utf-8") as f:
            f.write(body)


if __name__ == "__main__":
    main()
