"""OpenAPI documents the authoring tests import."""

# An OpenAPI 3.1 document with several operations, $refs (across components, chained, nested),
# documented errors (with and without a code field) and an API-key scheme.
PETS_31 = {
    "openapi": "3.1.0",
    "info": {"title": "Pet Store", "version": "1.0"},
    "servers": [{"url": "https://api.pets.example/v1", "description": "production"}],
    "security": [{"key": []}],
    "paths": {
        "/pets": {
            "get": {
                "operationId": "listPets", "summary": "List pets",
                "parameters": [{"$ref": "#/components/parameters/Limit"}],
                "responses": {
                    "200": {"description": "a page", "content": {"application/json": {"schema": {
                        "type": "array", "items": {"$ref": "#/components/schemas/Pet"}}}}},
                    "400": {"$ref": "#/components/responses/BadRequest"},
                },
            },
            "post": {
                "operationId": "createPet",
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/NewPet"}, "example": {"name": "Rex", "tag": "dog"}}}},
                "responses": {
                    "201": {"description": "created", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Pet"}}}},
                    "400": {"$ref": "#/components/responses/BadRequest"},
                    "401": {"description": "no or bad key", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Error"}}}},
                },
            },
        },
        "/pets/{petId}": {
            "parameters": [{"name": "petId", "in": "path", "required": True,
                            "schema": {"type": "integer", "minimum": 1}}],
            "get": {
                "operationId": "getPet",
                "parameters": [{"name": "X-Trace", "in": "header", "schema": {"type": "string"}}],
                "responses": {
                    "200": {"description": "the pet", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Pet"},
                        "examples": {"rex": {"value": {"id": 1, "name": "Rex"}}}}}},
                    "404": {"description": "no such pet", "content": {"application/json": {
                        "schema": {"allOf": [{"$ref": "#/components/schemas/Error"},
                                             {"properties": {"code": {"enum": ["PET_NOT_FOUND", "PET_GONE"]}}}]},
                        "example": {"code": "PET_GONE", "message": "pet 7 left"}}}},
                },
            },
            "delete": {
                "operationId": "deletePet", "security": [],
                "responses": {"204": {"description": "deleted"}},
            },
        },
    },
    "components": {
        "parameters": {
            "Limit": {"$ref": "#/components/parameters/LimitInner"},  # a reference to a reference
            "LimitInner": {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 100}},
        },
        "responses": {"BadRequest": {"description": "the request is invalid", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Error"}}}}},
        "schemas": {
            "Pet": {"allOf": [{"$ref": "#/components/schemas/NewPet"},
                              {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}}]},
            "NewPet": {"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string"}, "tag": {"type": "string"},
                "parent": {"$ref": "#/components/schemas/Pet"}}},  # recursive through another component
            "Error": {"type": "object", "required": ["code", "message"],
                      "properties": {"code": {"type": "string"}, "message": {"type": "string"}}},
        },
        "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-API-Key"}},
    },
}
