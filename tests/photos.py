"""Photo-like images of a module matrix: rotated, in perspective, blurred, noisy, JPEG, small.

Shared by tests/test_read_hanxin.py and bench/hanxin_read.py, so the read rates the bench
prints come from the images the tests check. Drawn by scaling the matrix with numpy and
degrading it with Pillow; each degradation is one keyword, all reproducible from a seed.
"""

from __future__ import annotations

import io
import random

import numpy as np
from PIL import Image, ImageFilter


def draw(modules: np.ndarray, pixels: int = 4, quiet: int = 4) -> Image.Image:
    """The matrix (True dark) as a grey image, ``pixels`` per module and a quiet zone."""
    light = np.pad(~modules.astype(bool), quiet, constant_values=True)
    return Image.fromarray(
        np.kron(light, np.ones((pixels, pixels), dtype=bool)).astype(np.uint8) * 255
    )


def photo(
    modules: np.ndarray,
    *,
    seed: int = 0,
    pixels: float = 4.0,
    angle: float = 0.0,
    perspective: float = 0.0,
    blur: float = 0.0,
    noise: float = 0.0,
    jpeg: int | None = None,
    contrast: tuple[int, int] = (0, 255),
    mirror: bool = False,
) -> np.ndarray:
    """A grey uint8 array of the symbol as a camera might see it.

    ``pixels`` per module (fractional: drawn at 8 and resampled), ``angle`` degrees of
    rotation, ``perspective`` the share of the side by which corners move, ``blur`` a
    Gaussian radius in pixels of the result, ``noise`` the standard deviation of added grey
    noise, ``jpeg`` a JPEG quality, ``contrast`` the darkest and lightest grey, ``mirror``
    seen from behind."""
    rng = random.Random(seed)
    image = draw(modules, 8, 6)
    size = image.size[0]
    if perspective:  # each corner moved inwards by up to ``perspective`` of the side
        spread = perspective * size
        moved = [(rng.uniform(0, spread), rng.uniform(0, spread)),
                 (size - rng.uniform(0, spread), rng.uniform(0, spread)),
                 (size - rng.uniform(0, spread), size - rng.uniform(0, spread)),
                 (rng.uniform(0, spread), size - rng.uniform(0, spread))]  # fmt: skip
        square = [(0, 0), (size, 0), (size, size), (0, size)]
        image = image.transform((size, size), Image.Transform.PERSPECTIVE,
                                _perspective(moved, square),
                                resample=Image.Resampling.BILINEAR, fillcolor=255)  # fmt: skip
    if mirror:
        image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    if angle:
        image = image.rotate(angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)
    scale = pixels / 8
    target = (max(1, round(image.size[0] * scale)), max(1, round(image.size[1] * scale)))
    image = image.resize(target, Image.Resampling.BOX)
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    dark, light = contrast
    array = np.asarray(image).astype(np.float64) / 255 * (light - dark) + dark
    if noise:
        array += np.random.default_rng(seed).normal(0, noise, array.shape)
    array = np.clip(array, 0, 255).astype(np.uint8)
    if jpeg is not None:
        buffer = io.BytesIO()
        Image.fromarray(array).save(buffer, "JPEG", quality=jpeg)
        array = np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("L"))
    return array


def _perspective(
    target: list[tuple[float, float]], source: list[tuple[float, float]]
) -> list[float]:
    """Pillow's PERSPECTIVE coefficients: each output point of ``target`` shows the input
    point of ``source`` (a true projective map; Pillow's QUAD is bilinear and bends lines)."""
    rows, values = [], []
    for (x, y), (u, v) in zip(target, source, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        values.extend([u, v])
    return [float(c) for c in np.linalg.solve(np.array(rows), np.array(values))]
