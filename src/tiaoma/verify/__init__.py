"""Print-quality grading from an image: linear symbols as ISO/IEC 15416 and GB/T 18348 define
it, two-dimensional ones as ISO/IEC 15415 and GB/T 23704 do (extra ``tiaoma[scan]``).

- :mod:`~tiaoma.verify.grading`: :func:`~tiaoma.verify.grading.verify` grades every EAN/UPC,
  ITF, Code 128, Code 39 and GS1 DataBar symbol in an image (stacked forms row by row; a
  composite's linear component): ten scans, each parameter, scan and symbol grades in the
  2000 and 2016 editions, ``grade/aperture/wavelength``, the verdicts;
- :mod:`~tiaoma.verify.matrix`: :func:`~tiaoma.verify.matrix.grade_matrix` grades a QR Code,
  Data Matrix or Han Xin Code (SC, modulation, reflectance margin, fixed pattern damage, ANU,
  GNU, UEC, print growth); :mod:`~tiaoma.verify.matrix_report` its JSON and HTML page;
- :mod:`~tiaoma.verify.image`: straightening, finding the bars, the synthetic aperture;
- :mod:`~tiaoma.verify.profile`: one scan reflectance profile measured;
- :mod:`~tiaoma.verify.decode`: the symbologies' reference decodes and decodability;
- :mod:`~tiaoma.verify.grades`: the grade scales;
- :mod:`~tiaoma.verify.advice` and :mod:`~tiaoma.verify.report`: what to change, the JSON
  and the HTML page.
"""
