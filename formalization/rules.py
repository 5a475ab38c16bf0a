"""When each of the 25 formalization procedures (F01–F25) applies, and why.

One rule per procedure, each a plain function of the answers that returns whether it
applies and the reason in plain Spanish. The procedure's entry in ``registry.py`` names
its rule; ``registry.evaluate`` applies them all, so the summary page, the submit service
and the tests read the same result. Answer keys are those of the wizard's step forms.

Thresholds in money use the current year's values from ``catalog.parameters``: a year
without them raises ``ParameterMissing`` (never last year's money).
"""

from decimal import Decimal

from django.utils import timezone

from catalog import parameters
from catalog.formatting import format_cop

from . import ciiu

# 500 SMMLV of operating income: restaurants and bars above it must register in the RNT
# (Ley 1101 de 2006, art. 12), with the SMMLV of the current year.
RNT_GASTRONOMY_SMMLV = 500
# Régimen Simple: gross income "inferiores a 100.000 UVT" (Estatuto Tributario art. 905,
# mod. Ley 2277 de 2022, art. 42), with the UVT of the current year.
SIMPLE_MAX_INCOME_UVT = 100_000

TOURISM_RNT_KINDS = {"alojamiento", "agencia_viajes", "guia", "otro"}


def _is_sas(a):
    return a.get("tipo") == "sas"


def _has_shop(a):
    return bool(a.get("tiene_establecimiento"))


def _has_staff(a):
    return (a.get("num_empleados") or 0) > 0


def current_year() -> int:
    """The year whose money applies to an evaluation made now (Bogotá)."""
    return timezone.localdate().year


def _pesos(amount: Decimal) -> str:
    return format_cop(amount)


def f01(a):
    if _is_sas(a):
        return (
            True,
            "Antes de constituir la sociedad se verifica que su nombre no esté registrado (homonimia).",
        )
    return (
        True,
        "Antes de matricularse se verifica que el nombre del negocio no esté registrado (homonimia).",
    )


def f02(a):
    if _has_shop(a):
        return (
            True,
            "Abrirá un local: debe conocer el uso del suelo permitido en ese predio (Ley 1801 de 2016, art. 87).",
        )
    return (
        False,
        "No abrirá un local al público, así que no necesita el concepto de uso del suelo.",
    )


def f03(a):
    if not _is_sas(a):
        return (
            True,
            "Ejercerá el comercio como persona natural: debe matricularse en el registro mercantil.",
        )
    return (
        False,
        "Formaliza una SAS: se matricula la sociedad, no usted como persona natural.",
    )


def f04(a):
    if _is_sas(a):
        return (
            True,
            "Constituye una SAS por documento privado: se inscribe y se matricula en la Cámara de Comercio.",
        )
    return False, "No constituye una sociedad."


def f05(a):
    if _has_shop(a):
        return (
            True,
            "Tendrá un establecimiento de comercio: también se matricula en la Cámara de Comercio.",
        )
    return False, "No tendrá establecimiento de comercio."


def f06(a):
    if _is_sas(a):
        return (
            True,
            "Una SAS debe inscribir sus libros de actas y de registro de accionistas.",
        )
    return (
        False,
        "Como persona natural no debe inscribir libros de actas ni de accionistas.",
    )


def f07(a):
    if _is_sas(a):
        return (
            True,
            "La constitución de la SAS paga impuesto de registro (0,7 % del capital suscrito).",
        )
    if f20(a)[0]:
        return (
            True,
            "La inscripción en el Registro Nacional de Turismo paga impuesto de registro sin cuantía.",
        )
    return False, "Ningún acto que usted inscribe causa impuesto de registro."


def f08(a):
    return (
        True,
        "Todo comerciante necesita RUT y NIT; en Bogotá la Cámara de Comercio los tramita sin pre-RUT.",
    )


def f09(a):
    activity = ciiu.activities().get(a.get("ciiu", ""))
    if activity is None or activity.ica_taxed:
        return (
            True,
            "Su actividad está gravada con el impuesto de industria y comercio (ICA) en Bogotá: debe inscribirse en el RIT.",
        )
    return (
        False,
        f"Su actividad CIIU {activity.code} no está gravada con ICA en Bogotá.",
    )


def f10(a):
    if a.get("obligado_facturar"):
        return (
            True,
            "Debe facturar electrónicamente: se habilita como facturador ante la DIAN.",
        )
    return False, "Indicó que no está obligado a facturar electrónicamente."


def f11(a):
    if a.get("obligado_facturar"):
        return (
            True,
            "Para emitir facturas necesita una numeración autorizada por la DIAN.",
        )
    return False, "Sin facturación electrónica no necesita numeración de facturas."


def simple_income_ceiling_cop(year: int) -> Decimal:
    return parameters.uvt(year) * SIMPLE_MAX_INCOME_UVT


def simple_eligible_income(income, year: int) -> bool:
    """Strictly below the ceiling; no estimate means nothing to refuse it on."""
    return income is None or income < simple_income_ceiling_cop(year)


def f12(a):
    if not a.get("opta_simple"):
        return False, "No eligió el Régimen Simple de Tributación (es opcional)."
    year = current_year()
    if not simple_eligible_income(a.get("ingresos_estimados"), year):
        return (
            False,
            "Eligió el Régimen Simple, pero sus ingresos estimados no son inferiores a "
            f"100.000 UVT ({_pesos(simple_income_ceiling_cop(year))} en {year}, "
            "Estatuto Tributario art. 905): no puede inscribirse.",
        )
    return (
        True,
        "Eligió el Régimen Simple de Tributación y sus ingresos estimados son "
        "inferiores a 100.000 UVT.",
    )


def f13(a):
    if _is_sas(a):
        return (
            True,
            "Toda sociedad debe reportar a sus beneficiarios finales a la DIAN.",
        )
    return False, "El registro de beneficiarios finales es solo para sociedades."


def f14(a):
    if _has_shop(a):
        return (
            True,
            "Antes de abrir el local se comunica la apertura a la estación de Policía (Ley 1801 de 2016, art. 87).",
        )
    return False, "Sin local abierto al público no hay apertura que comunicar."


def f15(a):
    if _has_shop(a):
        return (
            True,
            "Todo establecimiento abierto al público necesita el concepto de seguridad humana de Bomberos.",
        )
    return False, "Sin establecimiento no necesita el concepto de Bomberos."


def f16(a):
    # By activity, not by premises: a bakery run from home also handles food.
    if a.get("interes_sanitario"):
        return (
            True,
            "Su negocio prepara o vende alimentos o presta servicios de interés sanitario (también desde su vivienda o una bodega): necesita la inscripción y el concepto sanitario.",
        )
    return False, "Su actividad no es de interés sanitario."


def f17(a):
    if a.get("aviso_exterior"):
        return (
            True,
            "Tendrá aviso exterior: debe registrarlo como publicidad exterior visual ante la Secretaría de Ambiente.",
        )
    return False, "No tendrá aviso exterior."


def f18(a):
    # By activity, not by premises: a chemicals warehouse is not open to the public.
    impacts = a.get("impactos_ambientales") or []
    if impacts:
        return (
            True,
            "Su actividad genera impactos ambientales que la Secretaría de Ambiente registra o autoriza, tenga o no local abierto al público.",
        )
    return (
        False,
        "No declaró vertimientos, residuos peligrosos, aceites usados ni emisiones.",
    )


def f19(a):
    if a.get("musica_publica"):
        return (
            True,
            "Habrá música o televisión para el público: necesita la licencia de derechos de autor (OSA).",
        )
    return False, "No habrá música ni televisión para el público."


def smmlv_threshold_cop(year: int) -> Decimal:
    return parameters.smmlv(year) * RNT_GASTRONOMY_SMMLV


def f20(a):
    kind = a.get("servicio_turistico") or "ninguno"
    if kind in TOURISM_RNT_KINDS:
        return (
            True,
            "Prestará servicios turísticos: debe inscribirse en el Registro Nacional de Turismo antes de operar.",
        )
    if kind == "gastronomia":
        income = a.get("ingresos_estimados")
        year = current_year()
        if income is not None and income > smmlv_threshold_cop(year):
            return (
                True,
                "Su restaurante o bar tendrá ingresos superiores a 500 salarios mínimos: debe inscribirse en el Registro Nacional de Turismo.",
            )
        return (
            False,
            "Los restaurantes y bares con ingresos de hasta 500 salarios mínimos no se inscriben en el Registro Nacional de Turismo.",
        )
    return False, "No prestará servicios turísticos."


def employer(what):
    def rule(a):
        if _has_staff(a):
            return True, what
        return False, "No tendrá trabajadores por ahora."

    return rule


f21 = employer(
    "Tendrá trabajadores: como empleador se afilia a una caja de compensación familiar."
)
f22 = employer(
    "Sus trabajadores deben quedar afiliados a salud (EPS) desde el primer día."
)
f23 = employer(
    "Sus trabajadores deben quedar afiliados a pensiones desde el primer día."
)
f24 = employer(
    "Sus trabajadores deben tener riesgos laborales (ARL) antes de empezar a trabajar."
)
f25 = employer(
    "Como empleador paga los aportes por la PILA y reporta sus vacantes al Servicio Público de Empleo."
)
