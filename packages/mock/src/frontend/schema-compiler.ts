/**
 * The mock's and the proxy's compiler for a parameter schema the contract's ahead-of-time checks lack (a contract
 * modified at run time): ajv with the options the build compiles every check with, so both decide alike.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { CHECK_OPTIONS, type SchemaCompiler } from '@rd-contract/client/protocol';

const ajv = new Ajv2020({ ...CHECK_OPTIONS });

export const compileSchema: SchemaCompiler = (schema) => ajv.compile(schema);
