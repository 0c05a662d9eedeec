"""Is a piece of a title (or a signature, or a page's 来源 field) the name of a public body?

Pages put furniture around a title: breadcrumbs ("当前位置：首页 > 政务公开 > …"),
markers ("正文", "字号 大 中 小"), labels glued to it ("标题：…"), publication fields
("发布时间：…  来源：…"). `body_name` strips labels and breadcrumbs and accepts what is left
only when it reads as the name of a public body — it ends the way such names end
(人民政府, 办公室, 委员会, 局, 厅, 署, 办事处, 街道, 乡/镇, 管委会, …开发区, 中心, 院, 法院, 部, 委, 办 …,
or is a bare place name, its government) and holds no furniture word. A company is not a
public body here. Anything else gives None: better no agency than a word that is not a name.
"""

from __future__ import annotations

import re

from nianbao.textnorm import nfkc

# Labels glued in front of a title or a name.
_LABEL = re.compile(
    r"^(?:文章标题|信息标题|信息名称|文件名称|标\s*题|题\s*目|名\s*称|主\s*题|当前位置|您的位置|您现在的位置|位置)\s*[:：]\s*"
)
# Breadcrumb separators: the title is what follows the last one.
_CRUMB = re.compile(r"[>＞»›→]|&gt;")
_SLASH_CRUMB = re.compile(r"(?:首页|位置).*/")
# Page furniture: a line that is one of these (or starts with a field label) is no title and no name.
_FURNITURE = re.compile(
    r"^(?:正\s*文|首\s*页|字号|【?\s*字体|发布时间|发布日期|发文日期|成文日期|更新时间|时间[:：]|来\s*源|信息来源|"
    r"索引号|索\s*引|浏览次数|阅读次数|点击[数率量]?|访问量|作者|编辑|责任编辑|打印|关闭|分享|【|\[\s*[大中小]|"
    r"[大中小]\s+[大中小]|当前位置|您的位置|您现在的位置|政务公开|信息公开|年度报告|年报|返回|上一篇|下一篇)"
)
# Words that never stand in a body's name.
_NOT_A_NAME = re.compile(
    r"正文|当前位置|首页|字号|发布时间|发布日期|来源|索引号|浏览|打印|关闭|分享|点击|访问|附件|下载|栏目|专栏|"
    r"专区|专题|年度报告|年报|工作报告|公开指南|公开目录|网站|本网|门户|链接|有限|公司|集团|股份"
)
# How the names of public bodies end.
_BODY_END = re.compile(
    r"(?:人民政府|政府|行政公署|公署|办公厅|办公室|委员会|管委会|联合会|总工会|工会|商会|协会|学会|"
    r"委|办|厅|局|署|处|办事处|街道|乡|镇|苏木|中心|院|部|所|站|队|台|馆|社|行|关|科|司|室|组|团|师|"
    r"基地|园区|新区|开发区|高新区|实验区|试验区|示范区|保税区|管理区|合作区|特区|林区|场|狱|校|学|园|庭|村|"
    r"省|市|区|县|旗|州|盟|地区)$"
)
_ONLY_NAME_CHARS = re.compile(r"^[\u4e00-\u9fff〇（）()·]+$")
_EDGES = re.compile(r"^[《\"“”'‘’\s:：,，、.。·\-—_|｜]+|[》\"“”'‘’\s:：,，、.。·\-—_|｜]+$")


def clean(text: str) -> str:
    """A title or name without labels, breadcrumbs, edge punctuation and spaces."""
    t = nfkc(text).replace("\u3000", " ").strip()
    t = _LABEL.sub("", t)
    if _CRUMB.search(t):
        t = _CRUMB.split(t)[-1]
    elif _SLASH_CRUMB.search(t):  # "首页/政务公开/…"
        t = t.rsplit("/", 1)[-1]
    t = _LABEL.sub("", t.strip())
    return re.sub(r"\s+", "", _EDGES.sub("", t))


def is_furniture(text: str) -> bool:
    """A page's furniture line: a marker, a breadcrumb, a publication field."""
    t = nfkc(text).strip()
    return bool(_FURNITURE.match(t)) or (bool(_CRUMB.search(t)) and ("首页" in t or "位置" in t))


def name_at_end(text: str | None) -> str | None:
    """The body named at the end of `text`, dropping leading space-separated furniture ("正文 XX局")."""
    if not text:
        return None
    tokens = text.split()
    for k in range(len(tokens)):
        name = body_name("".join(tokens[k:]))
        if name:
            return name
    return None


def body_name(text: str | None) -> str | None:
    """The public body's name `text` holds (labels and breadcrumbs removed), or None when it is not one."""
    if not text:
        return None
    t = clean(text)
    t = re.sub(r"^关于|(?:关于|的)$", "", t)
    if not 2 <= len(t) <= 40 or not _ONLY_NAME_CHARS.match(t):
        return None
    if _NOT_A_NAME.search(t) or not _BODY_END.search(t):
        return None
    return t
