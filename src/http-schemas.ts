// Response schemas shared by every route: the error body all errors are turned into.
import { Type } from '@sinclair/typebox';

export const ErrorBody = Type.Object({
  statusCode: Type.Integer(),
  code: Type.String(),
  error: Type.String(),
  message: Type.String(),
});
