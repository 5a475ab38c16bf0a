"""Four entrepreneurs, each as the answers they type step by step (form field names
without the step prefix). Shared by the walk-through, browser and bench runs."""

import datetime

TODAY = datetime.datetime.now(datetime.UTC).date()
YOUNG = (TODAY - datetime.timedelta(days=365 * 28)).isoformat()
OLDER = (TODAY - datetime.timedelta(days=365 * 45)).isoformat()
SOON = (TODAY + datetime.timedelta(days=20)).isoformat()

TIENDA = {
    "name": "Tienda de barrio con empleados (persona natural)",
    "steps": {
        "solicitante": {
            "tipo": "persona_natural",
            "doc_tipo": "CC",
            "doc_numero": "1020304050",
            "nombre": "María José Ñúñez-O'Brien",
            "fecha_nacimiento": OLDER,
            "nit": "1.020.304.050-8",
            "telefono": "3001234567",
        },
        "empresa": {
            "razon_social": "Tienda Doña Chepa",
            "ciiu": "4711",
            "activos": "25.000.000",
            "ingresos_estimados": "180.000.000",
            "fecha_inicio": SOON,
        },
        "ubicacion": {
            "direccion": "Calle 45 # 13-20",
            "localidad": "chapinero",
            "tiene_establecimiento": "si",
        },
        "establecimiento": {
            "nombre_establecimiento": "Tienda Doña Chepa",
            "chip": "AAA0123ABCD",
            "area_m2": "40",
            "horario": "Lunes a sábado, 7:00 a 20:00",
            "aviso_exterior": "no",
        },
        "actividad": {"interes_sanitario": "si", "musica_publica": "no"},
        "operacion": {
            "servicio_turistico": "ninguno",
            "obligado_facturar": "si",
            "opta_simple": "no",
        },
        "empleados": {"num_empleados": "2"},
        "afiliaciones": {
            "nomina_mensual": "3.600.000",
            "fecha_primer_contrato": SOON,
            "clase_riesgo": "1",
            "arl": "positiva",
            "caja": "compensar",
            "eps": "sanitas",
            "fondo_pensiones": "porvenir",
        },
        "documentos": {},
        "revision": {},
        "resumen": {},
        "confirmacion": {"acepta_aviso": "on", "declara_veracidad": "on"},
    },
    "expected": [
        "F01",
        "F02",
        "F03",
        "F05",
        "F08",
        "F09",
        "F10",
        "F11",
        "F14",
        "F15",
        "F16",
        "F21",
        "F22",
        "F23",
        "F24",
        "F25",
    ],
}

SAS_SIN_LOCAL = {
    "name": "SAS de software sin establecimiento",
    "steps": {
        "solicitante": {
            "tipo": "sas",
            "doc_tipo": "CC",
            "doc_numero": "80123456",
            "nombre": "Andrés Felipe Gómez",
            "fecha_nacimiento": YOUNG,
            "telefono": "3109876543",
        },
        "sociedad": {
            "num_accionistas": "1",
            "jovenes_mayoria": "si",
            "capital_suscrito": "10.000.000",
            "capital_pagado": "10.000.000",
            "estatutos_modelo": "si",
        },
        "empresa": {
            "razon_social": "Código Andino S.A.S.",
            "ciiu": "6201",
            "activos": "10.000.000",
            "ingresos_estimados": "120.000.000",
            "fecha_inicio": SOON,
        },
        "ubicacion": {
            "direccion": "Carrera 7 # 32-16",
            "localidad": "santa-fe",
            "tiene_establecimiento": "no",
        },
        "actividad": {"interes_sanitario": "no"},
        "operacion": {
            "servicio_turistico": "ninguno",
            "obligado_facturar": "si",
            "opta_simple": "si",
        },
        "empleados": {"num_empleados": "0"},
        "documentos": {},
        "revision": {},
        "resumen": {},
        "confirmacion": {"acepta_aviso": "on", "declara_veracidad": "on"},
    },
    "expected": ["F01", "F04", "F06", "F07", "F08", "F09", "F10", "F11", "F12", "F13"],
}

RESTAURANTE = {
    "name": "Restaurante con música y aviso (SAS)",
    "steps": {
        "solicitante": {
            "tipo": "sas",
            "doc_tipo": "CE",
            "doc_numero": "456789",
            "nombre": "Lucía Fernández",
            "fecha_nacimiento": OLDER,
            "telefono": "6013386000",
        },
        "sociedad": {
            "num_accionistas": "3",
            "jovenes_mayoria": "no",
            "capital_suscrito": "80.000.000",
            "capital_pagado": "50.000.000",
            "estatutos_modelo": "no",
        },
        "empresa": {
            "razon_social": "Sabores de la Sabana SAS",
            "ciiu": "5611",
            "activos": "120.000.000",
            "ingresos_estimados": "900.000.000",
            "fecha_inicio": SOON,
        },
        "ubicacion": {
            "direccion": "Avenida 19 # 118-30",
            "localidad": "usaquen",
            "tiene_establecimiento": "si",
        },
        "establecimiento": {
            "nombre_establecimiento": "Sabores de la Sabana",
            "chip": "AAA0999XYZW",
            "area_m2": "180",
            "horario": "Todos los días, 11:00 a 23:00",
            "aviso_exterior": "si",
        },
        "actividad": {
            "interes_sanitario": "si",
            "musica_publica": "si",
            "impactos_ambientales": ["aceites", "vertimientos"],
        },
        "operacion": {
            "servicio_turistico": "gastronomia",
            "obligado_facturar": "si",
            "opta_simple": "no",
        },
        "empleados": {"num_empleados": "12"},
        "afiliaciones": {
            "nomina_mensual": "24.000.000",
            "fecha_primer_contrato": SOON,
            "clase_riesgo": "3",
            "arl": "sura",
            "caja": "cafam",
            "eps": "compensar",
            "fondo_pensiones": "proteccion",
        },
        "documentos": {},
        "revision": {},
        "resumen": {},
        "confirmacion": {"acepta_aviso": "on", "declara_veracidad": "on"},
    },
    "expected": [f"F{n:02d}" for n in range(1, 26) if n not in (3, 12)],
}

AGENCIA = {
    "name": "Agencia de viajes (persona natural, joven)",
    "steps": {
        "solicitante": {
            "tipo": "persona_natural",
            "doc_tipo": "CC",
            "doc_numero": "1012345678",
            "nombre": "Valentina Rojas",
            "fecha_nacimiento": YOUNG,
            "telefono": "3157654321",
        },
        "empresa": {
            "razon_social": "Rutas del Páramo",
            "ciiu": "7911",
            "activos": "15.000.000",
            "ingresos_estimados": "200.000.000",
            "fecha_inicio": SOON,
        },
        "ubicacion": {
            "direccion": "Calle 85 # 15-20",
            "localidad": "chapinero",
            "tiene_establecimiento": "no",
        },
        "actividad": {"interes_sanitario": "no"},
        "operacion": {
            "servicio_turistico": "agencia_viajes",
            "obligado_facturar": "si",
            "opta_simple": "no",
        },
        "empleados": {"num_empleados": "0"},
        "documentos": {},
        "revision": {},
        "resumen": {},
        "confirmacion": {"acepta_aviso": "on", "declara_veracidad": "on"},
    },
    "expected": ["F01", "F03", "F07", "F08", "F09", "F10", "F11", "F20"],
}

PERSONAS = {
    "tienda": TIENDA,
    "sas_sin_local": SAS_SIN_LOCAL,
    "restaurante": RESTAURANTE,
    "agencia": AGENCIA,
}


def post_data(run_hex: str, step: str, answers: dict) -> dict:
    data = {f"formaliza_{run_hex}-current_step": step}
    for key, value in answers.items():
        data[f"{step}-{key}"] = value
    return data
