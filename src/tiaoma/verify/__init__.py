"""Print-quality grading of linear symbols as ISO/IEC 15416 and GB/T 18348 define it (work in
progress: the grade scales and the analysis of one scan reflectance profile so far)."""
