"""PACS in, PACS out: DICOMweb search/retrieve/store, and the measurements as a DICOM SR."""
