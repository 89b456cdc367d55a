"""Figures of a consistent 01/GTGT return, for demo data and benchmarks. Pure."""


def vat_values(sales_10: int, input_vat: int) -> dict[str, int]:
    """A consistent 01/GTGT with tax to pay: 10 % sales and deductible input VAT, computed boxes filled in."""
    output_vat = sales_10 // 10
    payable = output_vat - input_vat
    zero = ("ct22", "ct26", "ct29", "ct30", "ct31", "ct32a", "ct37", "ct38", "ct39a", "ct40b", "ct41", "ct42", "ct43")
    return {
        **dict.fromkeys(zero, 0),
        "ct23": input_vat * 10,
        "ct24": input_vat,
        "ct25": input_vat,
        "ct27": sales_10,
        "ct28": output_vat,
        "ct32": sales_10,
        "ct33": output_vat,
        "ct34": sales_10,
        "ct35": output_vat,
        "ct36": payable,
        "ct40a": payable,
        "ct40": payable,
    }
