package cn.tongban.gateway.graphql;

import graphql.GraphQLContext;
import graphql.execution.CoercedVariables;
import graphql.language.ArrayValue;
import graphql.language.BooleanValue;
import graphql.language.FloatValue;
import graphql.language.IntValue;
import graphql.language.NullValue;
import graphql.language.ObjectValue;
import graphql.language.StringValue;
import graphql.language.Value;
import graphql.language.VariableReference;
import graphql.schema.Coercing;
import graphql.schema.CoercingParseLiteralException;
import graphql.schema.GraphQLScalarType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The {@code JSON} scalar (form schemas and data) and the {@code DateTime} scalar (ISO-8601 strings). */
final class JsonScalar {
  private JsonScalar() {
  }

  static final GraphQLScalarType JSON = GraphQLScalarType.newScalar()
      .name("JSON")
      .description("Any JSON value.")
      .coercing(new Coercing<Object, Object>() {
        @Override
        public Object serialize(Object value, GraphQLContext ctx, Locale locale) {
          return value;
        }

        @Override
        public Object parseValue(Object input, GraphQLContext ctx, Locale locale) {
          return input;
        }

        @Override
        public Object parseLiteral(Value<?> input, CoercedVariables variables, GraphQLContext ctx, Locale locale) {
          return literal(input, variables);
        }
      })
      .build();

  static final GraphQLScalarType DATE_TIME = GraphQLScalarType.newScalar()
      .name("DateTime")
      .description("An ISO-8601 date and time with offset.")
      .coercing(new Coercing<Object, String>() {
        @Override
        public String serialize(Object value, GraphQLContext ctx, Locale locale) {
          return String.valueOf(value);
        }

        @Override
        public Object parseValue(Object input, GraphQLContext ctx, Locale locale) {
          return String.valueOf(input);
        }

        @Override
        public Object parseLiteral(Value<?> input, CoercedVariables variables, GraphQLContext ctx, Locale locale) {
          if (input instanceof StringValue s) {
            return s.getValue();
          }
          throw new CoercingParseLiteralException("DateTime must be a string");
        }
      })
      .build();

  private static Object literal(Value<?> v, CoercedVariables variables) {
    if (v instanceof NullValue) {
      return null;
    }
    if (v instanceof StringValue s) {
      return s.getValue();
    }
    if (v instanceof BooleanValue b) {
      return b.isValue();
    }
    if (v instanceof IntValue i) {
      return i.getValue();
    }
    if (v instanceof FloatValue f) {
      return f.getValue();
    }
    if (v instanceof VariableReference ref) {
      return variables.get(ref.getName());
    }
    if (v instanceof ArrayValue a) {
      List<Object> out = new ArrayList<>();
      a.getValues().forEach(x -> out.add(literal(x, variables)));
      return out;
    }
    if (v instanceof ObjectValue o) {
      Map<String, Object> out = new LinkedHashMap<>();
      o.getObjectFields().forEach(f -> out.put(f.getName(), literal(f.getValue(), variables)));
      return out;
    }
    throw new CoercingParseLiteralException("not a JSON value: " + v);
  }
}
