export type Json = string | number | boolean | null | { [key: string]: Json | undefined } | Json[];

export type Database = {
	graphql_public: {
		Tables: {
			[_ in never]: never;
		};
		Views: {
			[_ in never]: never;
		};
		Functions: {
			[_ in never]: never;
		};
		Enums: {
			[_ in never]: never;
		};
		CompositeTypes: {
			[_ in never]: never;
		};
	};
	public: {
		Tables: {
			bookings: {
				Row: {
					created_at: string;
					event_id: number;
					expires_at: string | null;
					id: number;
					released_at: string | null;
					seat_id: number;
					status: string;
					user_id: string;
				};
				ComputedFields: never;
				Insert: {
					created_at?: string;
					event_id: number;
					expires_at?: string | null;
					id?: never;
					released_at?: string | null;
					seat_id: number;
					status?: string;
					user_id?: string;
				};
				Update: {
					created_at?: string;
					event_id?: number;
					expires_at?: string | null;
					id?: never;
					released_at?: string | null;
					seat_id?: number;
					status?: string;
					user_id?: string;
				};
				Relationships: [
					{
						foreignKeyName: 'bookings_seat_fkey';
						columns: ['event_id', 'seat_id'];
						isOneToOne: false;
						referencedRelation: 'seats';
						referencedColumns: ['event_id', 'id'];
					}
				];
			};
			events: {
				Row: {
					created_at: string;
					focal_x: number | null;
					focal_y: number | null;
					hold_minutes: number;
					id: number;
					max_seats_per_user: number;
					name: string;
					slug: string;
					stage: Json | null;
					starts_at: string;
					time_zone: string;
					venue: string;
				};
				ComputedFields: never;
				Insert: {
					created_at?: string;
					focal_x?: number | null;
					focal_y?: number | null;
					hold_minutes?: number;
					id?: never;
					max_seats_per_user?: number;
					name: string;
					slug: string;
					stage?: Json | null;
					starts_at: string;
					time_zone?: string;
					venue: string;
				};
				Update: {
					created_at?: string;
					focal_x?: number | null;
					focal_y?: number | null;
					hold_minutes?: number;
					id?: never;
					max_seats_per_user?: number;
					name?: string;
					slug?: string;
					stage?: Json | null;
					starts_at?: string;
					time_zone?: string;
					venue?: string;
				};
				Relationships: [];
			};
			order_lines: {
				Row: {
					booking_id: number;
					order_id: number;
					price_cents: number;
					released_at: string | null;
					seat_id: number;
				};
				ComputedFields: never;
				Insert: {
					booking_id: number;
					order_id: number;
					price_cents: number;
					released_at?: string | null;
					seat_id: number;
				};
				Update: {
					booking_id?: number;
					order_id?: number;
					price_cents?: number;
					released_at?: string | null;
					seat_id?: number;
				};
				Relationships: [
					{
						foreignKeyName: 'order_lines_booking_id_fkey';
						columns: ['booking_id'];
						isOneToOne: true;
						referencedRelation: 'bookings';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'order_lines_order_id_fkey';
						columns: ['order_id'];
						isOneToOne: false;
						referencedRelation: 'orders';
						referencedColumns: ['id'];
					},
					{
						foreignKeyName: 'order_lines_seat_id_fkey';
						columns: ['seat_id'];
						isOneToOne: false;
						referencedRelation: 'seats';
						referencedColumns: ['id'];
					}
				];
			};
			orders: {
				Row: {
					cancelled_at: string | null;
					created_at: string;
					event_id: number;
					id: number;
					reference: string;
					status: string;
					total_cents: number;
					user_id: string;
				};
				ComputedFields: never;
				Insert: {
					cancelled_at?: string | null;
					created_at?: string;
					event_id: number;
					id?: never;
					reference: string;
					status?: string;
					total_cents: number;
					user_id: string;
				};
				Update: {
					cancelled_at?: string | null;
					created_at?: string;
					event_id?: number;
					id?: never;
					reference?: string;
					status?: string;
					total_cents?: number;
					user_id?: string;
				};
				Relationships: [
					{
						foreignKeyName: 'orders_event_id_fkey';
						columns: ['event_id'];
						isOneToOne: false;
						referencedRelation: 'events';
						referencedColumns: ['id'];
					}
				];
			};
			seats: {
				Row: {
					accessibility: string | null;
					category: string;
					event_id: number;
					id: number;
					number: number;
					price_cents: number;
					restricted_view: boolean;
					row_label: string;
					section: string;
					x: number;
					y: number;
				};
				ComputedFields: never;
				Insert: {
					accessibility?: string | null;
					category: string;
					event_id: number;
					id?: never;
					number: number;
					price_cents: number;
					restricted_view?: boolean;
					row_label: string;
					section: string;
					x: number;
					y: number;
				};
				Update: {
					accessibility?: string | null;
					category?: string;
					event_id?: number;
					id?: never;
					number?: number;
					price_cents?: number;
					restricted_view?: boolean;
					row_label?: string;
					section?: string;
					x?: number;
					y?: number;
				};
				Relationships: [
					{
						foreignKeyName: 'seats_event_id_fkey';
						columns: ['event_id'];
						isOneToOne: false;
						referencedRelation: 'events';
						referencedColumns: ['id'];
					}
				];
			};
		};
		Views: {
			[_ in never]: never;
		};
		Functions: {
			best_available: {
				Args: { p_category: string; p_count: number; p_event_id: number; p_wheelchair?: boolean };
				Returns: {
					created_at: string;
					event_id: number;
					expires_at: string | null;
					id: number;
					released_at: string | null;
					seat_id: number;
					status: string;
					user_id: string;
				}[];
				SetofOptions: {
					from: '*';
					to: 'bookings';
					isOneToOne: false;
					isSetofReturn: true;
				};
			};
			confirm_order: {
				Args: { p_booking_ids: number[] };
				Returns: {
					cancelled_at: string | null;
					created_at: string;
					event_id: number;
					id: number;
					reference: string;
					status: string;
					total_cents: number;
					user_id: string;
				};
				SetofOptions: {
					from: '*';
					to: 'orders';
					isOneToOne: true;
					isSetofReturn: false;
				};
			};
			create_venue_event: {
				Args: {
					max_seats_per_user?: number;
					name: string;
					sections: Json;
					slug: string;
					stage?: Json;
					starts_at: string;
					venue: string;
				};
				Returns: number;
			};
			event_availability: {
				Args: Record<PropertyKey, never>;
				Returns: {
					event_id: number;
					next_lapse: string;
					price_max_cents: number;
					price_min_cents: number;
					seats_booked: number;
					seats_held: number;
					seats_total: number;
				}[];
			};
			release_from_order: {
				Args: { p_booking_ids: number[]; p_reference: string };
				Returns: {
					cancelled_at: string | null;
					created_at: string;
					event_id: number;
					id: number;
					reference: string;
					status: string;
					total_cents: number;
					user_id: string;
				};
				SetofOptions: {
					from: '*';
					to: 'orders';
					isOneToOne: true;
					isSetofReturn: false;
				};
			};
			seat_bookings: { Args: { p_event_id: number }; Returns: Json };
			seat_map: { Args: { p_event_id: number }; Returns: Json };
			server_time: { Args: Record<PropertyKey, never>; Returns: string };
		};
		Enums: {
			[_ in never]: never;
		};
		CompositeTypes: {
			[_ in never]: never;
		};
	};
};

type DatabaseWithoutInternals = Omit<Database, '__InternalSupabase'>;

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, 'public'>];

export type Tables<
	DefaultSchemaTableNameOrOptions extends
		| keyof (DefaultSchema['Tables'] & DefaultSchema['Views'])
		| { schema: keyof DatabaseWithoutInternals },
	TableName extends (DefaultSchemaTableNameOrOptions extends {
		schema: keyof DatabaseWithoutInternals;
	}
		? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Tables'] &
				DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Views'])
		: never) = never
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
	? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Tables'] &
			DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Views'])[TableName] extends {
			Row: infer R;
		}
		? R
		: never
	: DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema['Tables'] & DefaultSchema['Views'])
		? (DefaultSchema['Tables'] & DefaultSchema['Views'])[DefaultSchemaTableNameOrOptions] extends {
				Row: infer R;
			}
			? R
			: never
		: never;

export type TablesInsert<
	DefaultSchemaTableNameOrOptions extends
		keyof DefaultSchema['Tables'] | { schema: keyof DatabaseWithoutInternals },
	TableName extends (DefaultSchemaTableNameOrOptions extends {
		schema: keyof DatabaseWithoutInternals;
	}
		? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Tables']
		: never) = never
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
	? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Tables'][TableName] extends {
			Insert: infer I;
		}
		? I
		: never
	: DefaultSchemaTableNameOrOptions extends keyof DefaultSchema['Tables']
		? DefaultSchema['Tables'][DefaultSchemaTableNameOrOptions] extends {
				Insert: infer I;
			}
			? I
			: never
		: never;

export type TablesUpdate<
	DefaultSchemaTableNameOrOptions extends
		keyof DefaultSchema['Tables'] | { schema: keyof DatabaseWithoutInternals },
	TableName extends (DefaultSchemaTableNameOrOptions extends {
		schema: keyof DatabaseWithoutInternals;
	}
		? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Tables']
		: never) = never
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
	? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions['schema']]['Tables'][TableName] extends {
			Update: infer U;
		}
		? U
		: never
	: DefaultSchemaTableNameOrOptions extends keyof DefaultSchema['Tables']
		? DefaultSchema['Tables'][DefaultSchemaTableNameOrOptions] extends {
				Update: infer U;
			}
			? U
			: never
		: never;

export type Enums<
	DefaultSchemaEnumNameOrOptions extends
		keyof DefaultSchema['Enums'] | { schema: keyof DatabaseWithoutInternals },
	EnumName extends (DefaultSchemaEnumNameOrOptions extends {
		schema: keyof DatabaseWithoutInternals;
	}
		? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions['schema']]['Enums']
		: never) = never
> = DefaultSchemaEnumNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
	? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions['schema']]['Enums'][EnumName]
	: DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema['Enums']
		? DefaultSchema['Enums'][DefaultSchemaEnumNameOrOptions]
		: never;

export type CompositeTypes<
	PublicCompositeTypeNameOrOptions extends
		keyof DefaultSchema['CompositeTypes'] | { schema: keyof DatabaseWithoutInternals },
	CompositeTypeName extends (PublicCompositeTypeNameOrOptions extends {
		schema: keyof DatabaseWithoutInternals;
	}
		? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions['schema']]['CompositeTypes']
		: never) = never
> = PublicCompositeTypeNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
	? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions['schema']]['CompositeTypes'][CompositeTypeName]
	: PublicCompositeTypeNameOrOptions extends keyof DefaultSchema['CompositeTypes']
		? DefaultSchema['CompositeTypes'][PublicCompositeTypeNameOrOptions]
		: never;

export const Constants = {
	graphql_public: {
		Enums: {}
	},
	public: {
		Enums: {}
	}
} as const;
