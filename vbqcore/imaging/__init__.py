"""Reading images: DICOM series, screenshots, slices, sequence guess, windowing, uploads."""
