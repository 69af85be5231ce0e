"""Print-quality grading of linear symbols from an image, as ISO/IEC 15416 and GB/T 18348
define it (extra ``tiaoma[scan]``).

- :mod:`~tiaoma.verify.grading`: :func:`~tiaoma.verify.grading.verify` grades every EAN/UPC,
  ITF, Code 128 and Code 39 symbol in an image: ten scans, each parameter, scan and symbol
  grades in the 2000 and 2016 editions, ``grade/aperture/wavelength``, the verdicts;
- :mod:`~tiaoma.verify.image`: straightening, finding the bars, the synthetic aperture;
- :mod:`~tiaoma.verify.profile`: one scan reflectance profile measured;
- :mod:`~tiaoma.verify.decode`: the symbologies' reference decodes and decodability;
- :mod:`~tiaoma.verify.grades`: the grade scales;
- :mod:`~tiaoma.verify.advice` and :mod:`~tiaoma.verify.report`: what to change, the JSON
  and the HTML page.
"""
