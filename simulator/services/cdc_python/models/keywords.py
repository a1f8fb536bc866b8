"""Keyword extraction the way the back end does it: jieba segmentation, then a TF-IDF vocabulary.

The back end feeds jieba's words to scikit-learn's ``TfidfVectorizer`` and
answers its vocabulary, which explains the document's example exactly: tokens
of two or more characters only (``枚`` and ``%`` vanish), latin letters
lower-cased, duplicates dropped, and the words sorted by code point (the
vocabulary's order), not by position or weight.

jieba itself (and its 5 MB dictionary) is not needed for that: a forward
maximum-matching segmenter over a vocabulary of everyday product words gives
the same words on product names. Runs of characters the vocabulary does not
know are cut into two-character words, as jieba's HMM mostly does for
unknown names.
"""

from __future__ import annotations

import re

# Everyday e-commerce words (clothing, masks, cosmetics, food, electronics, home).
_WORDS = """
网红 新款 夏季 春季 秋季 冬季 四季 清凉 女装 男装 童装 纯棉 短袖 长袖 短裤 长裤 裤子 裙子 连衣裙 半身裙 衬衫 卫衣
外套 夹克 风衣 羽绒服 毛衣 针织衫 打底衫 上衣 背心 宽松 修身 休闲 运动 时尚 百搭 韩版 潮流 复古 简约 男士 女士
男款 女款 儿童 宝宝 婴儿 学生 成人 情侣 防晒 冰袖 帽子 围巾 手套 袜子 鞋子 凉鞋 拖鞋 运动鞋 帆布鞋 皮鞋 高跟鞋
细菌 过滤 一次性 医用 外科 口罩 防护 消毒 酒精 洗手液 湿巾 纸巾 体温计 透气 舒适 防水 防风 保暖 加厚 轻薄
洗面奶 洁面乳 洁面 控油 祛痘 去黑头 黑头 美白 补水 保湿 除螨 螨虫 氨基酸 套装 专用 面膜 精华 乳液 面霜 爽肤水
防晒霜 口红 香水 洗发水 护发素 沐浴露 牙膏 牙刷 剃须刀 零食 坚果 饼干 巧克力 咖啡 茶叶 牛奶 水果 大米 食用油
蓝牙 耳机 无线 静音 降噪 音箱 手机 充电器 数据线 充电宝 手机壳 键盘 鼠标 电脑 平板 手表 智能 相机 台灯 插座
家用 厨房 餐具 水杯 保温杯 收纳 床上用品 四件套 枕头 被子 毛巾 雨伞 书包 背包 行李箱 钱包 文具 笔记本 玩具
积木 图书 正品 包邮 特价 限量 官方 旗舰店 进口 国产 天然 有机 健康 安全 出行 推荐 保障 疫情 大家 注意 一定
期间 这款 社区 邻居 分享 好物 喜欢 不错 适合 广大 同胞 使用 夜深人静 一个 观赏 月亮 心态 平和
"""
VOCABULARY = frozenset(_WORDS.split())
_MAX_WORD = max(len(w) for w in VOCABULARY)

_ALNUM = re.compile(r"[0-9A-Za-z]+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_RUN = re.compile(r"[0-9A-Za-z]+|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def segment(text: str) -> list[str]:
    """Words in order of appearance (jieba.lcut-like), punctuation and spaces dropped."""
    words: list[str] = []
    for run in _RUN.findall(text):
        if _ALNUM.fullmatch(run):
            words.append(run)
        else:
            words.extend(_segment_cjk(run))
    return words


def _segment_cjk(run: str) -> list[str]:
    words: list[str] = []
    unknown = ""
    i = 0
    while i < len(run):
        for size in range(min(_MAX_WORD, len(run) - i), 1, -1):
            if run[i:i + size] in VOCABULARY:
                words.extend(_split_unknown(unknown))
                unknown = ""
                words.append(run[i:i + size])
                i += size
                break
        else:
            unknown += run[i]
            i += 1
    words.extend(_split_unknown(unknown))
    return words


def _split_unknown(chars: str) -> list[str]:
    """Unknown characters in two-character words; a lone leftover stays a one-character word."""
    return [chars[i:i + 2] for i in range(0, len(chars), 2)]


def keywords(text: str) -> list[str]:
    """The TF-IDF vocabulary of one text: words of 2+ characters, lower-cased, unique, sorted."""
    return sorted({w.lower() for w in segment(text) if len(w) >= 2})
