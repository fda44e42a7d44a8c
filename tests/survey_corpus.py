"""A small survey corpus for the reading, citing and writing tests: fourteen provincial reports
(one JSONL row each, with place, date and the government site's address) that speak of 低空经济
a different number of times, two reports titled alike, and plain text reports without an address.

Fourteen places are more than the twelve values a facet lists at first; the first province
speaks of 低空经济 in four paragraphs, so its group has three more.
"""
from __future__ import annotations

import json

PROVINCES = ["河北省", "山西省", "辽宁省", "吉林省", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省",
             "河南省", "湖北省", "湖南省", "广东省"]
ACTIONS = ["建设通用机场和起降点", "开通城市无人机物流航线", "设立产业投资基金", "培育整机制造龙头企业",
           "推进低空空域管理改革试点", "发展航空应急救援", "打造低空文旅消费场景", "完善飞行服务保障体系",
           "引进电动垂直起降飞行器项目", "建设无人机测试基地", "推动农林植保无人机应用", "开展低空智能网联示范",
           "编制低空基础设施规划", "组建低空产业联盟"]


USES = ["物流配送", "医疗转运", "电力巡检", "森林防火", "城市治理", "海岛运输", "赛事航拍", "景区观光", "农田测绘",
        "交通监测", "应急通信", "快递末端", "通航培训", "高原救援"]
STYLES = ["大力发展", "加快培育", "积极布局", "前瞻谋划", "着力壮大"]


def province_row(n: int, province: str) -> dict:
    """Report n: four, three or two paragraphs on 低空经济 (河北省, the first, has four)."""
    said = [f"{province}{STYLES[(n + k) % len(STYLES)]}低空经济，{ACTIONS[(n * 3 + k) % len(ACTIONS)]}，重点拓展{USES[n]}场景。"
            for k in range((4, 3, 2)[n % 3])]
    return {"title": f"2025年{province}政府工作报告", "date": f"2025-01-{n + 10:02d}", "place": province,
            "url": f"https://www.gov.example/{n}/report.html", "text": "\n".join(said)}


def rows() -> list[dict]:
    out = [province_row(n, p) for n, p in enumerate(PROVINCES)]
    # Two reports titled alike: only their place and date tell them apart.
    out.append({"title": "政府工作报告", "date": "2024-02-01", "place": "嘉禾县", "url": "javascript:alert(1)",
                "text": "嘉禾县探索低空经济与农业植保结合，组建无人机飞防服务队。"})
    out.append({"title": "政府工作报告", "date": "2023-02-01", "place": "茶陵县", "url": "",
                "text": "茶陵县谋划低空经济产业园，招引无人机零部件企业落户。"})
    return out


FILES = {"省级/2025.jsonl": "\n".join(json.dumps(r, ensure_ascii=False) for r in rows()) + "\n"}
# A report without a known address, for the unit tests (the browser's site has its own).
PLAIN = {"县级/己县.txt": """己县低空经济发展情况汇报
时间：2024-05-06
己县低空经济起步较晚，已建成无人机起降点两个。
"""}

# A long report whose cited paragraph is far down the page (the notice of its edit must be seen).
LONG = {"县级/庚县.txt": "庚县乡村治理工作汇报\n时间：2024-03-01\n" + "".join(
    f"第{n}项工作：庚县推进乡村治理，村级事务公开栏按季度更新，第{n}批村规民约完成修订。\n" for n in range(1, 40))
    + "庚县建立积分超市，村民参与环境整治可兑换生活用品，全县积分超市覆盖九成行政村。\n"}
