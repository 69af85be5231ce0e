"""Draw the sample images behind the upload step's 样图查看 links (seed 000 §2.2): a business
licence and a transfer receipt, each stamped and marked 样图 so that no one takes them for a
real document. Run once with Debian's fonts-noto-cjk; the PNGs are committed:

    .venv/bin/python scripts/make_samples.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
BOLD = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"
OUT = Path(__file__).resolve().parents[1] / "src/hall/applications/static/applications/samples"
RED = (200, 30, 30)


def _seal(draw: ImageDraw.ImageDraw, centre: tuple[int, int], text: str) -> None:
    x, y = centre
    draw.ellipse((x - 90, y - 90, x + 90, y + 90), outline=RED, width=6)
    star = ImageFont.truetype(BOLD, 40)
    draw.text((x, y - 5), "★", font=star, fill=RED, anchor="mm")
    small = ImageFont.truetype(BOLD, 17)
    draw.text((x, y + 42), text, font=small, fill=RED, anchor="mm")


def _watermark(image: Image.Image) -> Image.Image:
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    mark = ImageDraw.Draw(layer)
    big = ImageFont.truetype(BOLD, 150)
    mark.text((image.width // 2, image.height // 2), "样图 SAMPLE", font=big,
              fill=(120, 120, 120, 70), anchor="mm")  # fmt: skip
    return Image.alpha_composite(image.convert("RGBA"), layer.rotate(25)).convert("RGB")


def licence() -> Image.Image:
    image = Image.new("RGB", (1200, 850), (255, 253, 245))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 1180, 830), outline=(170, 120, 40), width=8)
    draw.text((600, 90), "营业执照", font=ImageFont.truetype(BOLD, 64), fill=(40, 40, 40),
              anchor="mm")  # fmt: skip
    body = ImageFont.truetype(FONT, 30)
    rows = [("统一社会信用代码", "91330106XXXXXXXXXX"), ("名称", "杭州示例食品有限公司"),
            ("类型", "有限责任公司"), ("法定代表人", "张三"), ("注册资本", "壹佰万元整"),
            ("成立日期", "2018年01月01日"), ("住所", "杭州市西湖区文三路 1 号"),
            ("经营范围", "食品生产、销售")]  # fmt: skip
    for index, (label, value) in enumerate(rows):
        y = 190 + index * 70
        draw.text((110, y), label, font=body, fill=(60, 60, 60))
        draw.text((420, y), value, font=body, fill=(20, 20, 20))
    draw.text((760, 760), "登记机关（样）", font=body, fill=(60, 60, 60))
    _seal(draw, (1000, 620), "企业公章（样）")
    return _watermark(image)


def remittance() -> Image.Image:
    image = Image.new("RGB", (1200, 700), (248, 252, 255))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 1180, 680), outline=(40, 90, 160), width=6)
    draw.text((600, 80), "银行电子回单（汇款凭证）", font=ImageFont.truetype(BOLD, 50),
              fill=(30, 60, 120), anchor="mm")  # fmt: skip
    body = ImageFont.truetype(FONT, 30)
    rows = [("付款人", "杭州示例食品有限公司"), ("收款人", "（收款单位，见“其他信息”）"),
            ("收款账号", "（见“其他信息”）"), ("金额", "人民币 ××× 元"),
            ("用途", "系统成员续展费（附企业名称）"), ("日期", "2026年12月01日")]  # fmt: skip
    for index, (label, value) in enumerate(rows):
        y = 170 + index * 70
        draw.text((110, y), label, font=body, fill=(60, 60, 60))
        draw.text((360, y), value, font=body, fill=(20, 20, 20))
    _seal(draw, (980, 560), "银行业务章（样）")
    return _watermark(image)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, draw in (("licence", licence), ("remittance", remittance)):
        draw().save(OUT / f"{name}.png", optimize=True)


if __name__ == "__main__":
    main()
