"""Generators for fictional people: names, phone numbers, resident ID numbers.

Names are drawn from common surnames and given-name characters, so any match
with a real person is a coincidence of common names, never a copy. Everything
is driven by one seeded `random.Random`, so a demo load is reproducible.
"""

from __future__ import annotations

import datetime as dt
import random

from stdnum.cn import ric

# Weighted towards surnames common in Hunan (repeats raise the weight).
SURNAMES = (
    "刘刘刘李李李王王王陈陈陈张张周周彭彭黄黄罗罗杨杨谭谭曾曾易易邓邓胡胡"
    "吴赵孙朱徐何高林郑梁谢宋唐许韩冯曹肖田董袁潘蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜钟陆汪范金石廖贾夏方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛"
    "龚邵万严戴莫向汤文柳喻左颜游"
)

GIVEN_MALE = (
    "建国明华伟强军平志海林勇杰涛斌超辉鹏波刚磊峰俊文武德正兴旺春秋龙虎坤宏亮清松柏江山远长"
)
GIVEN_FEMALE = "秀英桂兰玉珍凤芳丽霞红梅莉娟燕萍敏静婷慧琴雪月春花云翠美艳娥香菊荣琳颖"
GIVEN_ANY = "子一小家佳晓新思嘉宇欣雨诗梓"

REGION = "430121"  # 长沙县: the county the fictional demo town is placed under

MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "173",
    "175",
    "176",
    "177",
    "178",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
]


class NameGen:
    """Fictional people from one seeded random source; phones never repeat."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._phones: set[str] = set()
        self._ids: set[str] = set()

    def surname(self) -> str:
        return self.rng.choice(SURNAMES)

    def given(self, gender: str) -> str:
        pool = GIVEN_MALE if gender == "M" else GIVEN_FEMALE
        # About a third of names have one given character, as in rural registers.
        if self.rng.random() < 0.33:
            return self.rng.choice(pool)
        first = self.rng.choice(pool + GIVEN_ANY)
        return first + self.rng.choice(pool)

    def person(self, gender: str, surname: str | None = None) -> str:
        return (surname or self.surname()) + self.given(gender)

    def gender(self) -> str:
        return "M" if self.rng.random() < 0.5 else "F"

    def phone(self) -> str:
        """A unique, well-formed mainland mobile number."""
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self._phones:
                self._phones.add(number)
                return number

    def birth_date(self, year_from: int, year_to: int) -> dt.date:
        year = self.rng.randint(year_from, year_to)
        start = dt.date(year, 1, 1)
        return start + dt.timedelta(days=self.rng.randrange(365))

    def id_number(self, birth: dt.date, gender: str) -> str:
        """A checksummed 18-digit ID under REGION; the sequence digit follows the gender."""
        while True:
            seq = self.rng.randrange(100)
            sex_digit = self.rng.choice("13579" if gender == "M" else "02468")
            body = f"{REGION}{birth:%Y%m%d}{seq:02d}{sex_digit}"
            # calc_check_digit ignores the last character: it expects a full-length number.
            number = body + ric.calc_check_digit(body + "0")
            if number not in self._ids:
                self._ids.add(number)
                return number
